/**
 * Caps the audit rows that unauthenticated refusals may write per client address and minute, so
 * a flood of anonymous requests cannot grow the append-only trail without bound. Refusals over
 * the cap are counted and the count goes into the next row written for that address.
 */
export class DenialLimiter {
  private readonly windows = new Map<string, { start: number; written: number; suppressed: number }>();
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** write: whether to write this refusal's row; suppressed: refusals not written since the last row. */
  take(addr: string): { write: boolean; suppressed: number } {
    if (this.perMinute <= 0) return { write: true, suppressed: 0 };
    const t = this.now();
    let w = this.windows.get(addr);
    if (!w || t - w.start >= 60_000) {
      const carried = w?.suppressed ?? 0;
      w = { start: t, written: 0, suppressed: carried };
      this.windows.set(addr, w);
      if (this.windows.size > 10_000) this.evict(t);
    }
    if (w.written >= this.perMinute) {
      w.suppressed++;
      return { write: false, suppressed: w.suppressed };
    }
    w.written++;
    const suppressed = w.suppressed;
    w.suppressed = 0;
    return { write: true, suppressed };
  }

  private evict(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start >= 60_000 && w.suppressed === 0) this.windows.delete(k);
  }
}

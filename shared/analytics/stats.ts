/** Small statistics shared by the analytics: percentiles and ISO weeks. */

/** Percentile p (0..1) with linear interpolation between closest ranks (R-7, as spreadsheets do); null for no data. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return Math.round((s[lo] + (h - lo) * (s[hi] - s[lo])) * 1000) / 1000;
}

/** Monday (UTC) of the ISO week holding t, as YYYY-MM-DD. */
export function weekStart(t: string | Date): string {
  const d = new Date(t);
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day)).toISOString().slice(0, 10);
}

export const rate = (passed: number, runs: number) => (runs ? Math.round((passed / runs) * 1000) / 1000 : null);

/** Groups items by a key, keeping first-seen order. */
export function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const t of items) {
    const k = key(t);
    const g = m.get(k);
    if (g) g.push(t);
    else m.set(k, [t]);
  }
  return m;
}

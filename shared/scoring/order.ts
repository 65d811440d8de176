/**
 * Order analysis: which steps did the trainee do out of gold order?
 * Input: present steps in gold order with the trainee segment where each was really done.
 * The steps kept in place are a longest increasing subsequence (LIS) of the trainee positions:
 * the fewest steps that must have moved to explain the order. Each moved step is paired with
 * the step it was clearly inverted with that is nearest in gold order, so two adjacent swapped
 * steps give exactly one pair naming both.
 */

export interface OrderItem {
  /** Gold step index. */
  step: number;
  /** Trainee segment, clip indices inclusive. */
  start: number;
  end: number;
}

export interface SwapFinding {
  /** Gold-earlier step of the pair. */
  first: number;
  /** Gold-later step of the pair. */
  second: number;
  /** The step judged to have moved (not in the longest in-order subsequence). */
  moved: number;
  /** Steps the moved step was inverted with (clearly, see maxOverlap). */
  partners: number[];
}

function center(x: OrderItem): number {
  return (x.start + x.end) / 2;
}

function overlapFraction(a: OrderItem, b: OrderItem): number {
  const inter = Math.min(a.end, b.end) - Math.max(a.start, b.start) + 1;
  if (inter <= 0) return 0;
  return inter / Math.min(a.end - a.start + 1, b.end - b.start + 1);
}

/** Indices (into items) of one longest strictly increasing subsequence of centres; deterministic. */
export function longestInOrder(items: OrderItem[]): Set<number> {
  const n = items.length;
  const len = new Array<number>(n).fill(1);
  const prev = new Array<number>(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      // '>' keeps the earliest predecessor on ties.
      if (center(items[j]) < center(items[i]) && len[j] + 1 > len[i]) {
        len[i] = len[j] + 1;
        prev[i] = j;
      }
    }
  }
  let best = 0;
  for (let i = 1; i < n; i++) if (len[i] > len[best]) best = i;
  const keep = new Set<number>();
  for (let i = n > 0 ? best : -1; i >= 0; i = prev[i]) keep.add(i);
  return keep;
}

/** Out-of-order pairs, one per moved step (deduplicated), sorted by gold order. */
export function findSwaps(items: OrderItem[], maxOverlap: number): SwapFinding[] {
  const keep = longestInOrder(items);
  const found = new Map<string, SwapFinding>();
  for (let i = 0; i < items.length; i++) {
    if (keep.has(i)) continue;
    const partners: number[] = [];
    for (let j = 0; j < items.length; j++) {
      if (j === i) continue;
      const inverted = (j < i) !== (center(items[j]) < center(items[i]));
      if (inverted && overlapFraction(items[i], items[j]) <= maxOverlap) partners.push(j);
    }
    if (partners.length === 0) continue; // ambiguous positions (overlapping matches): no claim
    let other = partners[0];
    for (const p of partners) if (Math.abs(p - i) < Math.abs(other - i)) other = p;
    const a = Math.min(i, other);
    const b = Math.max(i, other);
    const key = `${a}:${b}`;
    if (!found.has(key)) {
      found.set(key, {
        first: items[a].step,
        second: items[b].step,
        moved: items[i].step,
        partners: partners.map((p) => items[p].step),
      });
    }
  }
  return [...found.values()].sort((x, y) => x.first - y.first || x.second - y.second);
}

/** Small statistics the scoring engine and the score job share. */

/** Median of the values (NaN for none). */
export function median(v: number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

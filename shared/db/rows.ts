/** Timestamps from either driver (pg gives Date, PGlite gives Date or string) as ISO strings. */
export function isoTime(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

import { z } from 'zod';

/** A query time: an ISO date (2026-12-01) or date-time with offset (2026-12-01T08:00:00Z). */
export const QueryTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'an ISO date (YYYY-MM-DD) or date-time with offset' });

/**
 * since is inclusive; until is exclusive for a date-time and takes the whole day for a date
 * (until=2026-12-01 ends at 2026-12-02T00:00Z), which is what a person picking dates means.
 */
export function timeRange(q: { since?: string; until?: string }): { since: Date | null; until: Date | null } {
  const since = q.since ? new Date(q.since.length === 10 ? `${q.since}T00:00:00Z` : q.since) : null;
  let until: Date | null = null;
  if (q.until) {
    until = new Date(q.until.length === 10 ? `${q.until}T00:00:00Z` : q.until);
    if (q.until.length === 10) until = new Date(until.getTime() + 86_400_000);
  }
  return { since, until };
}

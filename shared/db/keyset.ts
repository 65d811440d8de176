import type { Db } from './index.js';
import { badRequest } from '../errors.js';

/**
 * Newest-first keyset pagination on (created_at, id): stable under inserts, no OFFSET scans.
 * The cursor is the last row's "created_at|id", base64url. `where` uses $1.. for `params`.
 */
export async function keysetPage<R extends { created_at: string; id: string }>(
  db: Db,
  o: { table: string; where: string[]; params: unknown[]; limit: number; cursor?: string; map: (r: Record<string, unknown>) => R },
): Promise<{ items: R[]; next_cursor: string | null }> {
  const params = [...o.params];
  const where = [...o.where];
  if (o.cursor) {
    const [at, id] = Buffer.from(o.cursor, 'base64url').toString('utf8').split('|');
    if (!id || Number.isNaN(Date.parse(at))) throw badRequest('invalid cursor');
    where.push(`(created_at, id) < ($${params.push(at)}::timestamptz, $${params.push(id)})`);
  }
  const r = await db.query(
    `SELECT * FROM ${o.table} WHERE ${where.length ? where.join(' AND ') : 'TRUE'} ORDER BY created_at DESC, id DESC LIMIT $${params.push(o.limit + 1)}`,
    params,
  );
  const rows = r.rows.map(o.map);
  const items = rows.slice(0, o.limit);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > o.limit && last ? Buffer.from(`${last.created_at}|${last.id}`).toString('base64url') : null };
}

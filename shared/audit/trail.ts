import type { Db } from '../db/index.js';
import { GENESIS_HASH, checkChainSegment, hashAuditRow, type AuditOutcome, type AuditRow } from './row-hash.js';

/** What the audit functions need from a Db (any object with these two methods works). */
export type AuditDb = Pick<Db, 'query' | 'transaction'>;

/** Same key in every process, so appends from all hosts on one database are serialised. */
const AUDIT_CHAIN_LOCK_ID = 7_411_062_003;

export interface AuditEntry {
  subject: string;
  role?: string | null;
  action: string;
  target_type?: string | null;
  target_id?: string | null;
  request_id?: string | null;
  client_addr?: string | null;
  outcome: AuditOutcome;
  /** Small JSON facts (ids, counts, reasons). Never video content or secrets. */
  details?: Record<string, unknown>;
}

const COLUMNS = 'id, at, subject, role, action, target_type, target_id, request_id, client_addr, outcome, details, prev_hash, hash';

/** Maps a database row to AuditRow: numeric id, ISO time with ms, parsed details. */
export function toAuditRow(r: Record<string, unknown>): AuditRow {
  const details = typeof r.details === 'string' ? JSON.parse(r.details) : (r.details ?? {});
  return {
    id: Number(r.id),
    at: new Date(r.at as string | Date).toISOString(),
    subject: r.subject as string,
    role: (r.role as string | null) ?? null,
    action: r.action as string,
    target_type: (r.target_type as string | null) ?? null,
    target_id: (r.target_id as string | null) ?? null,
    request_id: (r.request_id as string | null) ?? null,
    client_addr: (r.client_addr as string | null) ?? null,
    outcome: r.outcome as string,
    details: details as Record<string, unknown>,
    prev_hash: r.prev_hash as string,
    hash: r.hash as string,
  };
}

/**
 * Appends one row to the chain. Inside one transaction: take the chain lock, read the tip's hash,
 * take the next id, hash, insert. Runs inside the caller's transaction when given one (`db` = tx),
 * so an audit row commits or rolls back together with the change it records.
 */
export async function appendAudit(db: AuditDb, entry: AuditEntry): Promise<AuditRow> {
  if (!entry.subject) throw new Error('audit entry needs a subject');
  if (!entry.action) throw new Error('audit entry needs an action');
  // Round-trip through JSON so what is hashed is exactly what jsonb stores and gives back.
  const details = JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>;
  return db.transaction(async (tx) => {
    await tx.query(`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_ID})) l`);
    const tip = await tx.query<{ hash: string }>('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1');
    const next = await tx.query<{ id: unknown }>("SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) AS id");
    const base: Omit<AuditRow, 'hash'> = {
      id: Number(next.rows[0]!.id),
      at: new Date().toISOString(), // taken under the lock, so time never runs backwards along the chain on one clock
      subject: entry.subject,
      role: entry.role ?? null,
      action: entry.action,
      target_type: entry.target_type ?? null,
      target_id: entry.target_id ?? null,
      request_id: entry.request_id ?? null,
      client_addr: entry.client_addr ?? null,
      outcome: entry.outcome,
      details,
      prev_hash: tip.rows[0]?.hash ?? GENESIS_HASH,
    };
    const row: AuditRow = { ...base, hash: hashAuditRow(base) };
    await tx.query(
      `INSERT INTO audit_log (${COLUMNS}) VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13)`,
      [row.id, row.at, row.subject, row.role, row.action, row.target_type, row.target_id, row.request_id, row.client_addr, row.outcome, JSON.stringify(row.details), row.prev_hash, row.hash],
    );
    return row;
  });
}

export interface ListAuditOptions {
  from?: Date | string;
  to?: Date | string;
  /** Exact action, or a prefix ending in "*" ("video.*"). */
  action?: string;
  subject?: string;
  /** Default 100, at most 1000. */
  limit?: number;
  /** next_cursor of the previous page. */
  cursor?: string | null;
}

export interface AuditPage {
  items: AuditRow[];
  next_cursor: string | null;
}

function encodeCursor(id: number): string {
  return Buffer.from(`a1:${id}`).toString('base64url');
}

function decodeCursor(c: string): number {
  const m = /^a1:(\d+)$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
  if (!m) throw Object.assign(new Error('invalid cursor'), { status: 400, code: 'bad_request' });
  return Number(m[1]);
}

function isoOrThrow(x: Date | string, name: string): string {
  const d = x instanceof Date ? x : new Date(x);
  if (Number.isNaN(d.getTime())) throw Object.assign(new Error(`invalid ${name} time`), { status: 400, code: 'bad_request' });
  return d.toISOString();
}

/** Newest first, keyset-paginated by id (stable under concurrent appends). */
export async function listAudit(db: AuditDb, o: ListAuditOptions = {}): Promise<AuditPage> {
  const limit = Math.max(1, Math.min(1000, Math.floor(o.limit ?? 100)));
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (o.from !== undefined) add('at >= ?::timestamptz', isoOrThrow(o.from, 'from'));
  if (o.to !== undefined) add('at <= ?::timestamptz', isoOrThrow(o.to, 'to'));
  if (o.action) {
    if (o.action.endsWith('*')) add(`action LIKE ? ESCAPE '\\'`, o.action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`) + '%');
    else add('action = ?', o.action);
  }
  if (o.subject) add('subject = ?', o.subject);
  if (o.cursor) add('id < ?', decodeCursor(o.cursor));
  params.push(limit + 1);
  const sql = `SELECT ${COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`;
  const rows = (await db.query<Record<string, unknown>>(sql, params)).rows.map(toAuditRow);
  const items = rows.slice(0, limit);
  return { items, next_cursor: rows.length > limit ? encodeCursor(items[items.length - 1]!.id) : null };
}

/** Reads rows with id > afterId in id order, one page at a time (keyset, never the whole table). */
export async function* auditRowsInOrder(db: AuditDb, o: { afterId?: number; throughId?: number; pageSize?: number } = {}): AsyncGenerator<AuditRow[]> {
  const pageSize = Math.max(1, Math.min(10_000, o.pageSize ?? 1000));
  let after = o.afterId ?? 0;
  for (;;) {
    const params: unknown[] = [after, pageSize];
    const upper = o.throughId !== undefined ? `AND id <= $3` : '';
    if (o.throughId !== undefined) params.push(o.throughId);
    const page = (await db.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM audit_log WHERE id > $1 ${upper} ORDER BY id LIMIT $2`, params)).rows.map(toAuditRow);
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.id;
    if (page.length < pageSize) return;
  }
}

export interface ChainVerification {
  ok: boolean;
  rows: number;
  first_bad_row: number | null;
  /** Why the first bad row is bad; null when intact. */
  reason: string | null;
  /** Hash of the last row (the chain head); null for an empty trail. */
  head_hash: string | null;
}

/** Walks the whole chain from the genesis row, page by page; stops at the first bad row. */
export async function verifyAuditChain(db: AuditDb, o: { pageSize?: number } = {}): Promise<ChainVerification> {
  let prev = GENESIS_HASH;
  let rows = 0;
  for await (const page of auditRowsInOrder(db, { pageSize: o.pageSize })) {
    const c = checkChainSegment(page, prev);
    if (!c.ok) {
      rows += page.findIndex((r) => r.id === c.first_bad_row);
      return { ok: false, rows, first_bad_row: c.first_bad_row, reason: c.reason, head_hash: null };
    }
    rows += page.length;
    prev = c.prev;
  }
  return { ok: true, rows, first_bad_row: null, reason: null, head_hash: rows ? prev : null };
}

/** The newest row's id and hash (the chain head), or null for an empty trail. */
export async function auditTip(db: AuditDb): Promise<{ id: number; hash: string } | null> {
  const r = await db.query<{ id: unknown; hash: string }>('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1');
  const row = r.rows[0];
  return row ? { id: Number(row.id), hash: row.hash } : null;
}

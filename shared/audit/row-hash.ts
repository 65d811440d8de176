import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** prev_hash of the first row of the chain. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditOutcome = 'ok' | 'denied' | 'error' | (string & {});

/** One audit row as stored and as exported. `at` is an ISO-8601 UTC string with milliseconds. */
export interface AuditRow {
  id: number;
  at: string;
  subject: string;
  role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  client_addr: string | null;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/**
 * hash = hex(SHA-256(UTF-8(canonical_json({v:1, id, at, subject, role, action, target_type,
 * target_id, request_id, client_addr, outcome, details, prev_hash})))). Everything but the hash
 * itself is covered, including the id (so rows cannot be renumbered) and prev_hash (the chain).
 */
export function hashAuditRow(row: Omit<AuditRow, 'hash'>): string {
  const content = {
    v: 1,
    id: row.id,
    at: row.at,
    subject: row.subject,
    role: row.role,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    request_id: row.request_id,
    client_addr: row.client_addr,
    outcome: row.outcome,
    details: row.details,
    prev_hash: row.prev_hash,
  };
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

export interface ChainCheck {
  ok: boolean;
  /** Id of the first row whose hash or link is wrong; null when intact. */
  first_bad_row: number | null;
  reason: string | null;
}

/**
 * Checks rows in id order against the hash of the row before them (`expectedPrev`). Pure, so the
 * database verifier and the offline export verifier share it. Returns the new expected prev hash.
 */
export function checkChainSegment(rows: AuditRow[], expectedPrev: string): ChainCheck & { prev: string } {
  let prev = expectedPrev;
  for (const r of rows) {
    if (r.prev_hash !== prev) {
      return { ok: false, first_bad_row: r.id, reason: `row ${r.id}: prev_hash does not match the hash of the row before it (a row was removed, inserted or reordered)`, prev };
    }
    const { hash, ...rest } = r;
    if (hashAuditRow(rest) !== hash) {
      return { ok: false, first_bad_row: r.id, reason: `row ${r.id}: content does not match its hash (the row was edited)`, prev };
    }
    prev = hash;
  }
  return { ok: true, first_bad_row: null, reason: null, prev };
}

import { createHmac, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CompactSign, base64url, calculateJwkThumbprint, compactVerify, errors, exportJWK } from 'jose';
import { canonicalJson } from './canonical-json.js';
import { GENESIS_HASH, checkChainSegment, type AuditRow } from './row-hash.js';
import { auditRowsInOrder, auditTip, type AuditDb } from './trail.js';

export const EXPORT_FORMAT = 'sopilot-audit-export';
export const EXPORT_TYPE = 'sopilot-audit-export+jws';

/** A self-contained, signable copy of a contiguous stretch of the audit chain. */
export interface AuditExportArtifact {
  format: typeof EXPORT_FORMAT;
  version: 1;
  generated_at: string;
  range: { from: string | null; to: string | null };
  hash: { algorithm: 'sha256'; canonicalization: 'sopilot-canonical-json/1'; genesis: string };
  chain: {
    rows: number;
    first_id: number | null;
    last_id: number | null;
    /** prev_hash of the first exported row: GENESIS when the export starts at the first row ever. */
    anchor_prev_hash: string | null;
    /** hash of the last exported row. */
    head_hash: string | null;
    /** The whole trail's newest row when the export was made (later rows may follow head_hash). */
    db_tip: { id: number; hash: string } | null;
  };
  rows: AuditRow[];
  /** Score records referred to by the rows (target_type "score", or details.score_id). */
  scores: unknown[];
  /** Referred score ids the loader did not return (e.g. deleted). */
  missing_scores: string[];
}

export type ScoreLoader = (ids: string[]) => Promise<Array<{ id: string } & Record<string, unknown>>>;

export interface BuildExportOptions {
  from?: Date | string;
  to?: Date | string;
  scores?: ScoreLoader;
  pageSize?: number;
  /** Clock for generated_at (tests). */
  now?: () => Date;
}

function iso(x: Date | string | undefined): string | null {
  if (x === undefined) return null;
  const d = x instanceof Date ? x : new Date(x);
  if (Number.isNaN(d.getTime())) throw Object.assign(new Error('invalid export time range'), { status: 400, code: 'bad_request' });
  return d.toISOString();
}

function referredScoreIds(rows: AuditRow[]): string[] {
  const ids = new Set<string>();
  for (const r of rows) {
    if (r.target_type === 'score' && r.target_id) ids.add(r.target_id);
    const d = r.details?.score_id;
    if (typeof d === 'string' && d) ids.add(d);
  }
  return [...ids].sort();
}

/**
 * Builds the artifact for rows in [from, to]. The time range picks the first and last id; every row
 * between them is exported, so the artifact is always one unbroken stretch of the chain.
 */
export async function buildAuditExport(db: AuditDb, o: BuildExportOptions = {}): Promise<AuditExportArtifact> {
  const from = iso(o.from);
  const to = iso(o.to);
  const bounds = await db.query<{ lo: unknown; hi: unknown }>(
    `SELECT min(id) AS lo, max(id) AS hi FROM audit_log WHERE ($1::timestamptz IS NULL OR at >= $1::timestamptz) AND ($2::timestamptz IS NULL OR at <= $2::timestamptz)`,
    [from, to],
  );
  const lo = bounds.rows[0]?.lo == null ? null : Number(bounds.rows[0].lo);
  const hi = bounds.rows[0]?.hi == null ? null : Number(bounds.rows[0].hi);
  const rows: AuditRow[] = [];
  if (lo !== null && hi !== null) {
    for await (const page of auditRowsInOrder(db, { afterId: lo - 1, throughId: hi, pageSize: o.pageSize })) rows.push(...page);
  }
  const ids = referredScoreIds(rows);
  const scores = ids.length && o.scores ? await o.scores(ids) : [];
  const found = new Set(scores.map((s) => s.id));
  return {
    format: EXPORT_FORMAT,
    version: 1,
    generated_at: (o.now?.() ?? new Date()).toISOString(),
    range: { from, to },
    hash: { algorithm: 'sha256', canonicalization: 'sopilot-canonical-json/1', genesis: GENESIS_HASH },
    chain: {
      rows: rows.length,
      first_id: rows[0]?.id ?? null,
      last_id: rows[rows.length - 1]?.id ?? null,
      anchor_prev_hash: rows[0]?.prev_hash ?? null,
      head_hash: rows[rows.length - 1]?.hash ?? null,
      db_tip: await auditTip(db),
    },
    rows,
    scores: JSON.parse(JSON.stringify(scores)), // plain JSON (Dates become ISO strings) so canonical form is defined
    missing_scores: ids.filter((id) => !found.has(id)),
  };
}

export type SignExportOptions =
  | { alg: 'HS256'; key: string; kid?: string }
  | { alg: 'EdDSA'; privateKeyPem: string; kid?: string };

const KCV_LABEL = 'sopilot-audit-export key check';

/**
 * A short key check value carried in the protected header, so a verifier can tell "wrong key"
 * from "altered content". HS256: HMAC of a fixed label (reveals nothing the signature does not).
 * EdDSA: the RFC 7638 thumbprint of the public key.
 */
function hmacKcv(secret: string): string {
  return createHmac('sha256', secret).update(KCV_LABEL).digest('base64url').slice(0, 16);
}
async function publicKcv(pub: KeyObject): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(pub), 'sha256');
}

/** Signs the canonical JSON of the artifact as a compact JWS. */
export async function signExport(artifact: AuditExportArtifact, o: SignExportOptions): Promise<string> {
  const payload = new TextEncoder().encode(canonicalJson(artifact));
  if (o.alg === 'HS256') {
    if (!o.key || o.key.length < 16) throw new Error('audit signing key must be at least 16 characters');
    return new CompactSign(payload)
      .setProtectedHeader({ alg: 'HS256', typ: EXPORT_TYPE, cty: 'json', ...(o.kid ? { kid: o.kid } : {}), kcv: hmacKcv(o.key) })
      .sign(new TextEncoder().encode(o.key));
  }
  if (o.alg === 'EdDSA') {
    const priv = createPrivateKey(o.privateKeyPem);
    if (priv.asymmetricKeyType !== 'ed25519') throw new Error(`EdDSA export signing needs an Ed25519 key, got ${priv.asymmetricKeyType}`);
    return new CompactSign(payload)
      .setProtectedHeader({ alg: 'EdDSA', typ: EXPORT_TYPE, cty: 'json', ...(o.kid ? { kid: o.kid } : {}), kcv: await publicKcv(createPublicKey(priv)) })
      .sign(priv);
  }
  throw new Error(`unsupported export signing algorithm ${(o as { alg: string }).alg}`);
}

export interface VerifyExportOptions {
  /** HS256 shared secret. */
  key?: string;
  /** Ed25519 public key, SPKI PEM. */
  publicKeyPem?: string;
}

export interface VerifyExportResult {
  ok: boolean;
  /** Every problem found, in words; empty when ok. */
  reasons: string[];
  signature: 'valid' | 'invalid' | 'wrong_key' | 'not_checked';
  alg: string | null;
  kid: string | null;
  /** The decoded artifact when the payload could be read (even if the signature failed). */
  artifact: AuditExportArtifact | null;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Checks the artifact's own content: format, every row's hash, the links, and the declared head. */
export function checkExportChain(a: AuditExportArtifact): string[] {
  const reasons: string[] = [];
  if (a?.format !== EXPORT_FORMAT || a.version !== 1) return [`not a ${EXPORT_FORMAT} version 1 artifact`];
  if (!Array.isArray(a.rows) || !a.chain) return ['artifact has no rows or chain section'];
  if (a.chain.rows !== a.rows.length) reasons.push(`chain declares ${a.chain.rows} rows but the artifact holds ${a.rows.length} (rows were removed or added)`);
  if (a.rows.length === 0) return reasons;
  for (let i = 1; i < a.rows.length; i++) {
    if (!(a.rows[i]!.id > a.rows[i - 1]!.id)) {
      reasons.push(`chain broken at row ${a.rows[i]!.id}: ids are not in increasing order`);
      return reasons;
    }
  }
  const c = checkChainSegment(a.rows, a.chain.anchor_prev_hash ?? '');
  if (!c.ok) reasons.push(`chain broken at ${c.reason}`);
  else if (c.prev !== a.chain.head_hash) reasons.push(`chain head mismatch: last row hashes to ${c.prev.slice(0, 16)}..., artifact declares ${String(a.chain.head_hash).slice(0, 16)}...`);
  if (a.rows[0]!.id !== a.chain.first_id || a.rows[a.rows.length - 1]!.id !== a.chain.last_id) {
    reasons.push(`row ids ${a.rows[0]!.id}..${a.rows[a.rows.length - 1]!.id} differ from the declared ${a.chain.first_id}..${a.chain.last_id}`);
  }
  return reasons;
}

/**
 * Verifies an export offline: `input` is the compact JWS itself or a path to a file holding it.
 * Says exactly what fails: malformed data, a wrong key (by the key check value), a signature that
 * does not match (altered bytes), a broken chain inside the artifact (which row).
 */
export async function verifyExport(input: string, o: VerifyExportOptions): Promise<VerifyExportResult> {
  const res: VerifyExportResult = { ok: false, reasons: [], signature: 'not_checked', alg: null, kid: null, artifact: null };
  let jws = input.trim();
  if (!COMPACT_JWS.test(jws)) {
    try {
      jws = (await readFile(input, 'utf8')).trim();
    } catch (e) {
      res.reasons.push(`cannot read export file ${input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return res;
    }
  }
  const parts = jws.split('.');
  if (parts.length !== 3 || !COMPACT_JWS.test(jws)) {
    res.reasons.push('malformed: not a compact JWS (expected three base64url parts separated by dots)');
    return res;
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64url.decode(parts[0]!)));
    if (!header || typeof header !== 'object') throw new Error('not an object');
  } catch {
    res.reasons.push('malformed: the JWS header is not valid base64url JSON (bytes of the header were altered)');
    return res;
  }
  res.alg = typeof header.alg === 'string' ? header.alg : null;
  res.kid = typeof header.kid === 'string' ? header.kid : null;
  const kidText = res.kid ? ` "${res.kid}"` : '';

  // 1. Signature, with a wrong key told apart from altered content.
  let key: Uint8Array | KeyObject | null = null;
  let kcv: string | null = null;
  if (res.alg === 'HS256') {
    if (!o.key) res.reasons.push('the export is signed with HS256: give the shared secret (--key), not a public key');
    else {
      key = new TextEncoder().encode(o.key);
      kcv = hmacKcv(o.key);
    }
  } else if (res.alg === 'EdDSA') {
    if (!o.publicKeyPem) res.reasons.push('the export is signed with EdDSA: give the public key (--public-key FILE), not a secret');
    else {
      try {
        const pub = createPublicKey(o.publicKeyPem);
        if (pub.asymmetricKeyType !== 'ed25519') res.reasons.push(`the public key given is ${pub.asymmetricKeyType}, the export needs Ed25519`);
        else {
          key = pub;
          kcv = await publicKcv(pub);
        }
      } catch (e) {
        res.reasons.push(`the public key given cannot be read: ${(e as Error).message}`);
      }
    }
  } else {
    res.reasons.push(`unsupported or missing signature algorithm ${JSON.stringify(header.alg)} (expected HS256 or EdDSA)`);
  }
  if (key) {
    if (typeof header.kcv === 'string' && header.kcv !== kcv) {
      res.signature = 'wrong_key';
      res.reasons.push(`wrong key: the export was signed with key${kidText} (check value ${header.kcv}), the key given has check value ${kcv}`);
    } else {
      try {
        await compactVerify(jws, key, { algorithms: [res.alg!] });
        res.signature = 'valid';
      } catch (e) {
        res.signature = 'invalid';
        if (e instanceof errors.JWSSignatureVerificationFailed) {
          res.reasons.push(
            typeof header.kcv === 'string'
              ? 'signature invalid: the key is right but the content was altered after signing (a byte of the payload or signature changed)'
              : 'signature invalid: the content was altered or the key is wrong',
          );
        } else {
          res.reasons.push(`malformed: ${(e as Error).message}`);
        }
      }
    }
  }

  // 2. Content: decoded even when the signature failed, so the report can name the altered row.
  let artifact: AuditExportArtifact;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(base64url.decode(parts[1]!));
    artifact = JSON.parse(text);
  } catch {
    res.reasons.push('malformed: the payload is not valid base64url JSON (bytes of the payload were altered)');
    return res;
  }
  res.artifact = artifact;
  try {
    if (canonicalJson(artifact) !== text) res.reasons.push('payload is not in canonical form (it was re-serialised after signing)');
  } catch (e) {
    res.reasons.push(`payload cannot be canonicalised: ${(e as Error).message}`);
  }
  res.reasons.push(...checkExportChain(artifact));
  res.ok = res.signature === 'valid' && res.reasons.length === 0;
  return res;
}

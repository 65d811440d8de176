import type { Request, Response } from 'express';
import type { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { getContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { buildAuditExport, listAudit, signExport, verifyAuditChain, type SignExportOptions } from '../../shared/audit/index.js';
import { auditRequest } from '../../shared/security.js';
import { getBuffer } from '../../shared/store/index.js';
import { scoreView, getScore } from '../../shared/score-jobs/repo.js';
import type { Config } from '../../shared/config.js';
import type { ExportRequest, TrailQuery } from './schema.js';

export async function trail(_req: Request, res: Response, q: z.output<typeof TrailQuery>): Promise<void> {
  const ctx = await getContext();
  res.json(await listAudit(ctx.db, { from: q.from, to: q.to, action: q.action, subject: q.subject, limit: q.limit, cursor: q.cursor }));
}

export async function verify(_req: Request, res: Response): Promise<void> {
  const ctx = await getContext();
  const r = await verifyAuditChain(ctx.db);
  res.json({ ok: r.ok, rows: r.rows, first_bad_row: r.first_bad_row, reason: r.reason ?? null, head_hash: r.head_hash ?? null });
}

/** EdDSA with a private key file (verifiers need only the public key), else HS256 with the shared key. */
export function signingOptions(cfg: Config): SignExportOptions {
  if (cfg.AUDIT_SIGNING_PRIVATE_KEY_FILE) {
    return { alg: 'EdDSA', privateKeyPem: readFileSync(cfg.AUDIT_SIGNING_PRIVATE_KEY_FILE, 'utf8'), kid: cfg.AUDIT_SIGNING_KEY_ID };
  }
  if (cfg.AUDIT_SIGNING_KEY) return { alg: 'HS256', key: cfg.AUDIT_SIGNING_KEY, kid: cfg.AUDIT_SIGNING_KEY_ID };
  throw new AppError(503, 'export_not_configured', 'audit export needs SOPILOT_AUDIT_SIGNING_KEY or SOPILOT_AUDIT_SIGNING_PRIVATE_KEY_FILE');
}

const exportKey = (id: string) => `audit-exports/${id}.jws`;

export async function createExport(req: Request, res: Response, body: z.output<typeof ExportRequest>): Promise<void> {
  const ctx = await getContext();
  const signing = signingOptions(ctx.config);
  // A signature over a tampered trail would vouch for it: refuse, saying where it breaks.
  const chain = await verifyAuditChain(ctx.db);
  if (!chain.ok) {
    await auditRequest(ctx.db, req, { action: 'audit.export', target_type: 'audit_export', target_id: '-', outcome: 'denied', details: { chain_intact: false, first_bad_row: chain.first_bad_row, reason: chain.reason ?? null } });
    throw new AppError(409, 'chain_broken', `the audit chain is broken at row ${chain.first_bad_row}${chain.reason ? ` (${chain.reason})` : ''}; no export was signed`, { chain_intact: false, first_bad_row: chain.first_bad_row });
  }
  const artifact = await buildAuditExport(ctx.db, {
    from: body.from,
    to: body.to,
    scores: async (ids) => {
      const out = [];
      for (const id of ids) {
        const s = await getScore(ctx.db, id);
        if (s) out.push(scoreView(s));
      }
      return out;
    },
  });
  const jws = await signExport(artifact, signing);
  const id = `exp_${randomUUID()}`;
  await ctx.store.put(exportKey(id), jws, { contentType: 'application/jose' });
  const rows = (artifact as unknown as { rows?: unknown[] }).rows?.length ?? 0;
  await auditRequest(ctx.db, req, { action: 'audit.export', target_type: 'audit_export', target_id: id, outcome: 'ok', details: { rows, alg: signing.alg, kid: signing.kid ?? null, from: body.from ?? null, to: body.to ?? null } });
  res.status(201).json({ export_id: id, object_key: exportKey(id), download_url: `/audit/exports/${id}`, rows, alg: signing.alg, kid: signing.kid ?? '' });
}

export async function download(req: Request, res: Response): Promise<void> {
  const ctx = await getContext();
  const id = String(req.params.id);
  if (!/^exp_[0-9a-f-]{36}$/.test(id)) throw notFound(`export ${id}`);
  const head = await ctx.store.head(exportKey(id));
  if (!head) throw notFound(`export ${id}`);
  res.setHeader('Content-Type', 'application/jose');
  res.setHeader('Content-Disposition', `attachment; filename="${id}.jws"`);
  res.send(await getBuffer(ctx.store, exportKey(id)));
}

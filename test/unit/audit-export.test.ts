import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit, buildAuditExport, signExport, verifyExport, canonicalJson, GENESIS_HASH, type AuditExportArtifact } from '../../shared/audit/index.js';
import { main as verifyCli } from '../../cli/verify-export.js';
import { readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { auditTestDb } from '../helpers/audit-db.js';
import type { Db } from '../../shared/db/index.js';


const KEY = 'export-signing-key-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'audit-export-'));

async function seeded() {
  const t = await auditTestDb();
  for (let i = 1; i <= 6; i++) {
    await appendAudit(t.db, {
      subject: 'alice', role: 'admin', action: i % 2 ? 'score.create' : 'video.upload', outcome: 'ok',
      target_type: i % 2 ? 'score' : 'video', target_id: i % 2 ? `score-${i}` : `vid-${i}`,
      details: i === 2 ? { score_id: 'score-extra' } : { i },
    });
  }
  return t;
}
const loader = async (ids: string[]) => ids.filter((id) => id !== 'score-5').map((id) => ({ id, score: 80, created_at: new Date('2025-01-02T03:04:05Z') }));

/** Re-encodes a JWS payload after editing the artifact, keeping the old signature (a forger without the key). */
function forge(jws: string, edit: (a: AuditExportArtifact) => void): string {
  const [h, p, s] = jws.split('.');
  const a = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
  edit(a);
  return `${h}.${Buffer.from(canonicalJson(a)).toString('base64url')}.${s}`;
}
function cliIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} }, out, err };
}

test('export holds the chain stretch and the scores it refers to; HS256 signature verifies offline', async () => {
  const { db, pg } = await seeded();
  try {
    const a = await buildAuditExport(db, { scores: loader, now: () => new Date('2025-06-01T00:00:00Z') });
    assert.equal(a.rows.length, 6);
    assert.equal(a.chain.anchor_prev_hash, GENESIS_HASH);
    assert.equal(a.chain.head_hash, a.rows[5]!.hash);
    assert.deepEqual(a.chain.db_tip, { id: a.rows[5]!.id, hash: a.rows[5]!.hash });
    assert.deepEqual((a.scores as any[]).map((s) => s.id), ['score-1', 'score-3', 'score-extra']);
    assert.equal((a.scores as any[])[0].created_at, '2025-01-02T03:04:05.000Z');
    assert.deepEqual(a.missing_scores, ['score-5']);
    assert.equal(a.generated_at, '2025-06-01T00:00:00.000Z');

    const jws = await signExport(a, { alg: 'HS256', key: KEY, kid: 'audit-2025' });
    const r = await verifyExport(jws, { key: KEY });
    assert.deepEqual(r.reasons, []);
    assert.equal(r.ok, true);
    assert.equal(r.kid, 'audit-2025');
    assert.deepEqual(r.artifact, a);

    const file = join(dir, 'export.jws');
    writeFileSync(file, `${jws}\n`);
    const c = cliIo();
    assert.equal(await verifyCli([file, '--key', KEY], c.io), 0);
    assert.match(c.out.join('\n'), /^OK: signature valid \(HS256, key "audit-2025"\); 6 audit rows/);
    const c2 = cliIo();
    c2.io.env = { SOPILOT_AUDIT_SIGNING_KEY: KEY } as any;
    assert.equal(await verifyCli([file], c2.io), 0); // key from env in the CLI

    // A time range exports one contiguous stretch, anchored on the row before it.
    const from = a.rows[2]!.at;
    const part = await buildAuditExport(db, { from });
    assert.ok(part.rows.length >= 1 && part.rows[0]!.at >= from);
    assert.equal(part.rows[part.rows.length - 1]!.id, a.rows[5]!.id);
    const idx = a.rows.findIndex((x) => x.id === part.rows[0]!.id);
    assert.equal(part.chain.anchor_prev_hash, a.rows[idx - 1]!.hash);
    assert.equal((await verifyExport(await signExport(part, { alg: 'HS256', key: KEY }), { key: KEY })).ok, true);
    const empty = await buildAuditExport(db, { from: '2100-01-01T00:00:00Z' });
    assert.equal(empty.rows.length, 0);
    assert.equal((await verifyExport(await signExport(empty, { alg: 'HS256', key: KEY }), { key: KEY })).ok, true);
  } finally {
    await pg.close();
  }
});

test('verification says what fails: wrong key, edited row, removed row, altered signature byte, malformed input', async () => {
  const { db, pg } = await seeded();
  try {
    const a = await buildAuditExport(db, { scores: loader });
    const jws = await signExport(a, { alg: 'HS256', key: KEY, kid: 'k1' });

    const wrong = await verifyExport(jws, { key: 'some-other-key-0123456789abcdef' });
    assert.equal(wrong.ok, false);
    assert.equal(wrong.signature, 'wrong_key');
    assert.deepEqual(wrong.reasons.length, 1);
    assert.match(wrong.reasons[0]!, /^wrong key: the export was signed with key "k1"/);

    const edited = await verifyExport(forge(jws, (x) => { x.rows[3]!.subject = 'mallory'; }), { key: KEY });
    assert.equal(edited.signature, 'invalid');
    assert.match(edited.reasons[0]!, /signature invalid: the key is right but the content was altered/);
    assert.ok(edited.reasons.some((r) => r.includes(`chain broken at row ${a.rows[3]!.id}: content does not match its hash`)), edited.reasons.join('; '));

    const removed = await verifyExport(forge(jws, (x) => { x.rows.splice(2, 1); }), { key: KEY });
    assert.ok(removed.reasons.some((r) => r.includes('declares 6 rows but the artifact holds 5')));
    assert.ok(removed.reasons.some((r) => r.includes(`chain broken at row ${a.rows[3]!.id}: prev_hash does not match`)));

    // One altered byte in the signature: key right, content intact, signature wrong.
    const [h, p, s] = jws.split('.');
    const flipped = `${h}.${p}.${s!.slice(0, 10)}${s![10] === 'A' ? 'B' : 'A'}${s!.slice(11)}`;
    const sig = await verifyExport(flipped, { key: KEY });
    assert.equal(sig.signature, 'invalid');
    assert.deepEqual(sig.reasons, ['signature invalid: the key is right but the content was altered after signing (a byte of the payload or signature changed)']);

    // One altered byte in the payload's base64 (whatever it decodes to, it must fail).
    const mid = Math.floor(p!.length / 2);
    const byte = await verifyExport(`${h}.${p!.slice(0, mid)}${p![mid] === 'x' ? 'y' : 'x'}${p!.slice(mid + 1)}.${s}`, { key: KEY });
    assert.equal(byte.ok, false);
    assert.equal(byte.signature, 'invalid');

    assert.match((await verifyExport('not a jws at all', { key: KEY })).reasons[0]!, /cannot read export file/);
    assert.match((await verifyExport('eyJhbGciOiJIUzI1NiJ9.e30', { key: KEY })).reasons[0]!, /cannot read export file|malformed/);
    assert.match((await verifyExport('!!!.abc.def', { key: KEY })).reasons[0]!, /cannot read export file/);
    assert.match((await verifyExport('abc.abc.def', { key: KEY })).reasons[0]!, /header is not valid/);
    const needsSecret = await verifyExport(jws, { publicKeyPem: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    assert.match(needsSecret.reasons[0]!, /signed with HS256: give the shared secret/);

    // The CLI exits 1 and lists the reasons.
    const file = join(dir, 'tampered.jws');
    writeFileSync(file, forge(jws, (x) => { x.rows[1]!.outcome = 'denied'; }));
    const c = cliIo();
    assert.equal(await verifyCli([file, '--key', KEY], c.io), 1);
    assert.match(c.err.join('\n'), /FAILED[\s\S]*signature invalid[\s\S]*chain broken at row/);
    const c2 = cliIo();
    assert.equal(await verifyCli([file], c2.io), 1);
    assert.match(c2.err[0]!, /no key given/);
  } finally {
    await pg.close();
  }
});

test('EdDSA export: verifiers need only the public key; a different public key is named as the wrong key', async () => {
  const { db, pg } = await seeded();
  try {
    const kp = generateKeyPairSync('ed25519');
    const priv = kp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const pub = kp.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const jws = await signExport(await buildAuditExport(db, {}), { alg: 'EdDSA', privateKeyPem: priv, kid: 'plant-7' });
    const r = await verifyExport(jws, { publicKeyPem: pub });
    assert.deepEqual(r.reasons, []);
    assert.equal(r.alg, 'EdDSA');

    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const w = await verifyExport(jws, { publicKeyPem: other });
    assert.equal(w.signature, 'wrong_key');
    assert.match((await verifyExport(jws, { key: KEY })).reasons[0]!, /signed with EdDSA: give the public key/);

    const exportFile = join(dir, 'ed.jws');
    const pubFile = join(dir, 'ed.pub.pem');
    writeFileSync(exportFile, jws);
    writeFileSync(pubFile, pub);
    const c = cliIo();
    assert.equal(await verifyCli([exportFile, '--public-key', pubFile, '--json'], c.io), 0);
    assert.equal(JSON.parse(c.out[0]!).ok, true);
    await assert.rejects(signExport(await buildAuditExport(db, {}), { alg: 'EdDSA', privateKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }), /Ed25519/);
  } finally {
    await pg.close();
  }
});

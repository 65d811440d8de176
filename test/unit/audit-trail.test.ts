import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendAudit, listAudit, verifyAuditChain, auditTip, hashAuditRow, GENESIS_HASH, canonicalJson } from '../../shared/audit/index.js';
import { readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { auditTestDb } from '../helpers/audit-db.js';
import type { Db } from '../../shared/db/index.js';


async function seed(db: Db, n: number) {
  const rows = [];
  for (let i = 1; i <= n; i++) {
    rows.push(
      await appendAudit(db, {
        subject: i % 2 ? 'alice' : 'bob',
        role: 'operator',
        action: i % 3 === 0 ? 'score.create' : 'video.upload',
        target_type: i % 3 === 0 ? 'score' : 'video',
        target_id: `t${i}`,
        request_id: `req-${i}`,
        client_addr: '10.0.0.7',
        outcome: 'ok',
        details: { n: i, ratio: 0.1 + 0.2, nested: { z: 1, a: [1, 'two', null] }, skip: undefined },
      }),
    );
  }
  return rows;
}

test('canonical JSON sorts keys at every depth and is stable', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: 'é' }, u: undefined }), '{"a":{"c":"é","d":[3,{"x":2,"y":1}]},"b":1}');
  assert.throws(() => canonicalJson({ x: NaN }));
});

test('appended rows form a hash chain that verifies; the table refuses UPDATE, DELETE and TRUNCATE', async () => {
  const { db, pg } = await auditTestDb();
  try {
    assert.deepEqual(await verifyAuditChain(db), { ok: true, rows: 0, first_bad_row: null, reason: null, head_hash: null });
    const rows = await seed(db, 5);
    assert.equal(rows[0]!.prev_hash, GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i]!.prev_hash, rows[i - 1]!.hash);
    const { hash, ...rest } = rows[2]!;
    assert.equal(hashAuditRow(rest), hash);
    assert.match(rows[0]!.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const v = await verifyAuditChain(db);
    assert.deepEqual(v, { ok: true, rows: 5, first_bad_row: null, reason: null, head_hash: rows[4]!.hash });
    assert.deepEqual(await auditTip(db), { id: rows[4]!.id, hash: rows[4]!.hash });

    await assert.rejects(pg.query(`UPDATE audit_log SET subject = 'mallory' WHERE id = $1`, [rows[1]!.id]), /append-only/);
    await assert.rejects(pg.query(`DELETE FROM audit_log WHERE id = $1`, [rows[1]!.id]), /append-only/);
    await assert.rejects(pg.query(`TRUNCATE audit_log`), /append-only/);
    assert.equal((await verifyAuditChain(db)).ok, true);
  } finally {
    await pg.close();
  }
});

test('tampering is found at the first bad row: edited field, deleted middle row, edited row with recomputed hash', async () => {
  const { db, pg } = await auditTestDb();
  try {
    const rows = await seed(db, 7);
    const id = (i: number) => rows[i]!.id;
    // A superuser can switch the guard off; the chain still tells.
    await pg.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await pg.query(`UPDATE audit_log SET details = jsonb_set(details, '{n}', '99') WHERE id = $1`, [id(5)]);
    let v = await verifyAuditChain(db, { pageSize: 2 }); // several pages
    assert.equal(v.ok, false);
    assert.equal(v.first_bad_row, id(5));
    assert.equal(v.rows, 5);
    assert.match(v.reason!, /edited/);

    await pg.query(`DELETE FROM audit_log WHERE id = $1`, [id(2)]);
    v = await verifyAuditChain(db, { pageSize: 2 });
    assert.equal(v.first_bad_row, id(3));
    assert.match(v.reason!, /removed/);
  } finally {
    await pg.close();
  }
  const fresh = await auditTestDb();
  try {
    const rows = await seed(fresh.db, 4);
    await fresh.pg.exec('ALTER TABLE audit_log DISABLE TRIGGER USER');
    // Forger rewrites row 2's subject and recomputes its hash: the next row's link breaks.
    const r = { ...rows[1]!, subject: 'mallory' };
    const { hash: _old, ...rest } = r;
    await fresh.pg.query(`UPDATE audit_log SET subject = 'mallory', hash = $2 WHERE id = $1`, [r.id, hashAuditRow(rest)]);
    const v = await verifyAuditChain(fresh.db);
    assert.equal(v.first_bad_row, rows[2]!.id);
    // Time edits are caught too (the ISO time with ms is hashed).
    await fresh.pg.query(`UPDATE audit_log SET at = at + interval '1 millisecond' WHERE id = $1`, [rows[0]!.id]);
    assert.equal((await verifyAuditChain(fresh.db)).first_bad_row, rows[0]!.id);
  } finally {
    await fresh.pg.close();
  }
});

test('concurrent appends keep one unbroken chain', async () => {
  const { db, pg } = await auditTestDb();
  try {
    await Promise.all(Array.from({ length: 30 }, (_, i) => appendAudit(db, { subject: `s${i}`, action: 'job.transition', outcome: 'ok', details: { i } })));
    assert.deepEqual((await verifyAuditChain(db, { pageSize: 7 })).rows, 30);
    assert.equal((await verifyAuditChain(db)).ok, true);
  } finally {
    await pg.close();
  }
});

test('an audit row rolls back with the transaction it belongs to', async () => {
  const { db, pg } = await auditTestDb();
  try {
    await appendAudit(db, { subject: 'a', action: 'x', outcome: 'ok' });
    await assert.rejects(
      db.transaction(async (tx) => {
        await appendAudit(tx, { subject: 'a', action: 'video.delete', outcome: 'ok' });
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    await appendAudit(db, { subject: 'a', action: 'y', outcome: 'ok' });
    const v = await verifyAuditChain(db);
    assert.equal(v.ok, true);
    assert.equal(v.rows, 2);
  } finally {
    await pg.close();
  }
});

test('listAudit filters by time, action (exact or prefix), subject, and pages with an opaque cursor', async () => {
  const { db, pg } = await auditTestDb();
  try {
    const rows = await seed(db, 9);
    const all = await listAudit(db, {});
    assert.deepEqual(all.items.map((r) => r.id), rows.map((r) => r.id).reverse());
    assert.equal(all.next_cursor, null);
    assert.deepEqual(all.items[0], rows[8]); // rows read back equal rows written (hash inputs survive jsonb)

    const p1 = await listAudit(db, { limit: 4 });
    assert.equal(p1.items.length, 4);
    assert.equal(typeof p1.next_cursor, 'string');
    assert.notEqual(p1.next_cursor, String(p1.items[3]!.id)); // opaque, not the raw id
    const p2 = await listAudit(db, { limit: 4, cursor: p1.next_cursor });
    const p3 = await listAudit(db, { limit: 4, cursor: p2.next_cursor });
    assert.equal(p3.next_cursor, null);
    assert.deepEqual([...p1.items, ...p2.items, ...p3.items].map((r) => r.id), all.items.map((r) => r.id));

    assert.deepEqual((await listAudit(db, { action: 'score.create' })).items.map((r) => r.target_id), ['t9', 't6', 't3']);
    assert.equal((await listAudit(db, { action: 'video.*' })).items.length, 6);
    assert.equal((await listAudit(db, { action: 'video_*' })).items.length, 0); // "_" is literal, not a wildcard
    assert.equal((await listAudit(db, { subject: 'bob' })).items.length, 4);
    assert.equal((await listAudit(db, { subject: 'bob', action: 'score.create' })).items.length, 1);
    const mid = rows[4]!.at;
    assert.ok((await listAudit(db, { from: mid })).items.every((r) => r.at >= mid));
    assert.ok((await listAudit(db, { to: new Date(mid) })).items.every((r) => r.at <= mid));
    assert.equal((await listAudit(db, { from: '2100-01-01T00:00:00Z' })).items.length, 0);
    await assert.rejects(listAudit(db, { cursor: 'garbage' }), /invalid cursor/);
    await assert.rejects(listAudit(db, { from: 'yesterday-ish' }), /invalid from/);
  } finally {
    await pg.close();
  }
});

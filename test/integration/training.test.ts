import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHost, until, type TestHost } from '../helpers/host.js';
import { makeFixtures, scoreAndRead, uploadAndIngest } from './pipeline-flow.js';
import { fitAdapter, applyAdapter, stepSeparation } from '../../shared/training/adapter.js';

let h: TestHost;
before(async () => {
  h = await startTestHost({ SOPILOT_SCORE_USE_TASK_ADAPTER: 'true' });
});
after(async () => h?.close());

test('mean-centering adapter widens the gap between steps that share a background', () => {
  // Two "steps" sharing a large common component: centring removes it.
  const dim = 16;
  const rows = 20;
  const data = new Float32Array(rows * dim);
  const stepOf: number[] = [];
  for (let i = 0; i < rows; i++) {
    const step = i < 10 ? 0 : 1;
    stepOf.push(step);
    for (let k = 0; k < dim; k++) data[i * dim + k] = 1 + (k === step ? 0.5 : 0) + 0.01 * Math.sin(i * 7 + k);
    let n = 0;
    for (let k = 0; k < dim; k++) n += data[i * dim + k] ** 2;
    for (let k = 0; k < dim; k++) data[i * dim + k] /= Math.sqrt(n);
  }
  const m = { rows, dim, data };
  const before = stepSeparation(m, stepOf);
  const after = stepSeparation(applyAdapter(fitAdapter('e', [m]), m), stepOf);
  assert.ok(before.within - before.between < 0.1, 'raw vectors barely separate the steps');
  assert.ok(after.within - after.between > 1, `centred: within ${after.within} between ${after.between}`);
});

test('POST /train fits the task adapter, swaps the index pointer atomically, and scoring uses it', async () => {
  const fx = await makeFixtures();
  const ids = await uploadAndIngest(h, fx);
  assert.equal((await h.api('/train', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', as: 'operator' })).status, 403);
  const r = await h.api('/train', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ task_id: 'task-1' }) });
  assert.equal(r.status, 202);
  await h.ctx.bus.idle();
  const ptr = await until(async () => (await h.ctx.db.query<{ version: number }>("SELECT version FROM index_pointers WHERE task_id = 'task-1'")).rows[0], 10_000, 'pointer');
  assert.equal(ptr.version, 1);
  const ver = await h.ctx.db.query<{ adapter_key: string; metrics: { videos: number } }>("SELECT adapter_key, metrics FROM index_versions WHERE task_id = 'task-1'");
  assert.equal(ver.rows[0].metrics.videos, 2);
  assert.ok(await h.ctx.store.head(ver.rows[0].adapter_key));
  const audit = await h.ctx.db.query("SELECT 1 FROM audit_log WHERE action = 'index.swap' AND target_id = 'task-1'");
  assert.equal(audit.rows.length, 1);
  const s = await scoreAndRead(h, ids.goldId, ids.traineeId);
  assert.equal(s.status, 'completed', String(s.error));
});

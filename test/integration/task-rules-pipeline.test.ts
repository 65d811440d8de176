/**
 * A task definition through the real pipeline: a run missing a step fails; marking that step
 * optional offers re-scoring, a task batch re-scores the run under the new version, and it passes
 * with the skipped step reported as information.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestHost, until, type TestHost } from '../helpers/host.js';
import { generateDemo } from '../../shared/demo/generate.js';
import { scoreAndRead, waitJob } from './pipeline-flow.js';

let h: TestHost;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'task-rules-'));
  await generateDemo({ outDir: dir, seed: 3, scale: 0.7, width: 160, height: 120, only: ['gold', 'missing'] });
  h = await startTestHost();
});
after(async () => h?.close());

async function ingest(p: '/gold' | '/videos', file: string, fields: Record<string, string> = {}): Promise<string> {
  const r = await h.upload(p, path.join(dir, file), { task_id: 'rules-task', ...fields });
  const b = (await r.json()) as { video_id: string; job_id: string };
  assert.equal((await waitJob(h, b.job_id)).status, 'completed');
  return b.video_id;
}
const json = async (r: Response) => {
  assert.ok(r.ok, `${r.status} ${await r.clone().text()}`);
  return r.json() as Promise<Record<string, any>>;
};

test('an optional step left out: no missing_step, information instead, and the re-scored run passes under the new version', async () => {
  const gold = await ingest('/gold', 'gold.mp4');
  const trainee = await ingest('/videos', 'missing.mp4', { worker_id: 'W-miss', station: 'S1' });
  const before = await scoreAndRead(h, gold, trainee);
  assert.equal(before.passed, false);
  assert.equal(before.task_version, null, 'no definition yet');
  assert.equal(before.worker_id, 'W-miss');
  const missing = (before.deviations as Array<{ type: string; gold_step: { index: number } }>).filter((d) => d.type === 'missing_step');
  // The left-out demo step may be detected as one gold step or two: each of them becomes optional.
  assert.ok(missing.length >= 1, JSON.stringify(before.deviations));
  const k = missing.map((d) => d.gold_step.index);
  assert.match((before.verdict as { reasons: string[] }).reasons.join(' '), /missing step/);

  const task = await json(await h.api('/tasks/rules-task'));
  const steps = (task.steps as Array<{ index: number; name: string }>).map((s) => ({ index: s.index, name: s.name, optional: k.includes(s.index) }));
  const saved = await json(await h.api('/tasks/rules-task', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Rules task', gold_video_id: gold, steps }) }));
  assert.equal(saved.version, 1);
  assert.deepEqual(saved.rescore_offer?.runs, 1);

  const batch = await json(await h.api('/score/batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(saved.rescore_offer.body), as: 'operator' }));
  assert.equal(batch.total, 1);
  const done = await until(async () => {
    const b = await json(await h.api(`/score/batch/${batch.id}`));
    return b.done ? b : null;
  }, 60_000, 'batch done');
  const after = await json(await h.api(`/score/${done.items[0].score_id}`));
  assert.equal(after.task_version, 1);
  assert.ok(!(after.deviations as Array<{ type: string }>).some((d) => d.type === 'missing_step'), JSON.stringify(after.deviations));
  assert.deepEqual((after.information as Array<{ type: string; gold_step: { index: number } }>).map((i) => [i.type, i.gold_step.index]), k.map((i) => ['optional_step_skipped', i]));
  assert.ok((after.score as number) > (before.score as number), 'the penalty is given back');
  assert.equal(after.passed, true, JSON.stringify(after.verdict));
  assert.equal(after.verdict.step_rules_applied, true);
  assert.ok(Array.isArray(after.breakdown_text) && after.breakdown_text.length > 0);

  // The run counts once, with its current (re-scored) verdict; nothing is left to re-score.
  const a = await json(await h.api('/analytics/tasks/rules-task'));
  assert.deepEqual([a.runs, a.passed], [1, 1]);
  const again = await json(await h.api('/score/batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ task_id: 'rules-task' }), as: 'operator' }));
  assert.equal(again.total, 0);
  assert.equal((await json(await h.api('/tasks/rules-task', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Rules task', gold_video_id: gold, steps }) }))).rescore_offer, null);

  // The steps editor saves back the detected steps as shown (renamed): a change of the gold's
  // steps offers re-scoring again.
  const detected = (await json(await h.api(`/gold/${gold}/steps`))).steps as Array<{ name: string; start_sec: number; end_sec: number }>;
  const renamed = detected.map((st, i) => ({ name: `Step ${i + 1} (checked)`, start_sec: st.start_sec, end_sec: st.end_sec }));
  const put = await json(await h.api(`/gold/${gold}/steps`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ steps: renamed }) }));
  assert.deepEqual((put.steps as typeof detected).map((st) => [st.start_sec, st.end_sec]), detected.map((st) => [st.start_sec, st.end_sec]), 'bounds unchanged');
  assert.equal((await json(await h.api('/tasks/rules-task'))).rescore_offer?.runs, 1);
});

/** The upload → ingest → score flow, run by both the embedded and the real-services tests. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestVideo } from '../helpers/videos.js';
import { until, type TestHost } from '../helpers/host.js';

export async function makeFixtures() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sopilot-fx-'));
  const gold = path.join(dir, 'gold.mp4');
  const trainee = path.join(dir, 'trainee.mp4');
  const text = path.join(dir, 'notes.txt');
  await makeTestVideo(gold, { durationSec: 6, width: 160, height: 120, pattern: 'moving-box' });
  await makeTestVideo(trainee, { durationSec: 6, width: 160, height: 120, pattern: 'testsrc' });
  writeFileSync(text, 'this is not a video\n'.repeat(20));
  return { dir, gold, trainee, text };
}

export async function waitJob(h: TestHost, jobId: string) {
  return until(async () => {
    const j = (await (await h.api(`/videos/jobs/${jobId}`)).json()) as { status: string; error: string | null };
    return j.status === 'completed' || j.status === 'failed' ? j : null;
  }, 90_000, `job ${jobId}`);
}

export async function uploadAndIngest(h: TestHost, fx: { gold: string; trainee: string }) {
  const g = await h.upload('/gold', fx.gold, { task_id: 'task-1' });
  assert.equal(g.status, 202, await g.clone().text());
  const gb = (await g.json()) as { video_id: string; job_id: string };
  assert.match(gb.video_id, /^vid_/);
  assert.match(gb.job_id, /^job_/);
  const t = await h.upload('/videos', fx.trainee, { task_id: 'task-1', role: 'trainee' });
  assert.equal(t.status, 202);
  const tb = (await t.json()) as { video_id: string; job_id: string };
  const gj = await waitJob(h, gb.job_id);
  assert.equal(gj.status, 'completed', `gold ingest: ${gj.error}`);
  const tj = await waitJob(h, tb.job_id);
  assert.equal(tj.status, 'completed', `trainee ingest: ${tj.error}`);
  const v = (await (await h.api(`/videos/${gb.video_id}`)).json()) as Record<string, unknown>;
  assert.equal(v.status, 'indexed');
  assert.equal(v.task_id, 'task-1');
  assert.equal(v.role, 'gold');
  assert.ok((v.clip_count as number) >= 4, `clip_count ${v.clip_count}`);
  assert.ok(Math.abs((v.duration_sec as number) - 6) < 0.3);
  return { goldId: gb.video_id, traineeId: tb.video_id, goldJob: gb.job_id };
}

export async function scoreAndRead(h: TestHost, goldId: string, traineeId: string) {
  const r = await h.api('/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ gold_video_id: goldId, trainee_video_id: traineeId }) });
  assert.equal(r.status, 202, await r.clone().text());
  const { score_job_id } = (await r.json()) as { score_job_id: string };
  const s = await until(async () => {
    const x = (await (await h.api(`/score/${score_job_id}`)).json()) as Record<string, unknown>;
    return x.status === 'completed' || x.status === 'failed' ? x : null;
  }, 60_000, 'score');
  return s;
}

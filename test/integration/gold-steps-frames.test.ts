// SOPILOT_STEP_ROWS=frames end to end: a gold of three 2.5 s scenes is ingested on the embedded
// host and its detected steps (on frame rows, shared/steps/frame-steps.ts) come back from
// GET /gold/:id/steps near the true cuts, tiling the video; the same gold on the default (clips)
// host for comparison.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { resolveFfmpegPath } from '../../shared/media/binaries.js';
import { waitJob } from './pipeline-flow.js';

const CUTS = [2.5, 5];
let gold: string;

before(async () => {
  gold = path.join(mkdtempSync(path.join(os.tmpdir(), 'sopilot-frames-')), 'gold.mp4');
  // Three scenes of 2.5 s, each a coloured background with a moving box: steps shorter than the
  // 3 s that detection on 2 s clips can resolve.
  const scene = (c: string, x: string) => `color=c=${c}:s=160x120:r=10:d=2.5[b${c}];color=c=white:s=30x30:r=10:d=2.5[w${c}];[b${c}][w${c}]overlay=x='${x}':y=40[s${c}]`;
  const graph = [scene('red', '10+40*t'), scene('green', '120-40*t'), scene('blue', '60+20*sin(3*t)'), '[sred][sgreen][sblue]concat=n=3:v=1:a=0[v]'].join(';');
  await promisify(execFile)(resolveFfmpegPath(undefined), ['-hide_banner', '-loglevel', 'error', '-y', '-filter_complex', graph, '-map', '[v]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', gold]);
});

async function detected(h: TestHost): Promise<Array<{ start_sec: number; end_sec: number }>> {
  const g = await h.upload('/gold', gold, { task_id: 'frames' });
  assert.equal(g.status, 202, await g.clone().text());
  const { video_id, job_id } = (await g.json()) as { video_id: string; job_id: string };
  const j = await waitJob(h, job_id);
  assert.equal(j.status, 'completed', `gold ingest: ${j.error}`);
  const r = await h.api(`/gold/${video_id}/steps`);
  assert.equal(r.status, 200);
  return ((await r.json()) as { steps: Array<{ start_sec: number; end_sec: number }> }).steps;
}

// One host at a time: hosts in one process share the in-process event bus.
async function withHost<T>(env: Record<string, string>, fn: (h: TestHost) => Promise<T>): Promise<T> {
  const h = await startTestHost(env);
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

test('SOPILOT_STEP_ROWS=frames: 2.5 s steps found within 0.5 s, tiling the gold; on clips they are not', async () => {
  const steps = await withHost({ SOPILOT_STEP_ROWS: 'frames' }, detected);
  const starts = steps.slice(1).map((s) => s.start_sec);
  for (const c of CUTS) assert.ok(starts.some((s) => Math.abs(s - c) <= 0.5), `cut at ${c} s not found on frame rows: ${starts}`);
  assert.ok(steps.length <= 4, `at most one extra cut: ${starts}`);
  for (let k = 1; k < steps.length; k++) assert.ok(Math.abs(steps[k].start_sec - steps[k - 1].end_sec) < 1e-6, 'steps tile the video');
  const onClips = (await withHost({}, detected)).slice(1).map((s) => s.start_sec);
  assert.ok(!CUTS.every((c) => onClips.some((s) => Math.abs(s - c) <= 0.5)), `clips found both cuts too (${onClips}): the comparison shows nothing`);
});

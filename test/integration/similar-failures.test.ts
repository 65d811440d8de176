import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { generateDemo } from '../../shared/demo/generate.js';
import { scoreAndRead, waitJob } from './pipeline-flow.js';

let h: TestHost;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'similar-'));
  await generateDemo({ outDir: dir, seed: 3, scale: 0.7, width: 160, height: 120, only: ['gold', 'deviation', 'correct'] });
  h = await startTestHost();
});
after(async () => h?.close());

async function ingest(p: '/gold' | '/videos', file: string): Promise<string> {
  const r = await h.upload(p, path.join(dir, file), { task_id: 'sim-task' });
  const b = (await r.json()) as { video_id: string; job_id: string };
  assert.equal((await waitJob(h, b.job_id)).status, 'completed');
  return b.video_id;
}

test('a failing performance lists earlier failed scores whose footage looks like its deviations (pgvector)', async () => {
  assert.equal(h.ctx.db.hasVector, true);
  const gold = await ingest('/gold', 'gold.mp4');
  const first = await scoreAndRead(h, gold, await ingest('/videos', 'deviation.mp4'));
  assert.equal(first.passed, false);
  const ok = await scoreAndRead(h, gold, await ingest('/videos', 'correct.mp4'));
  assert.equal(ok.passed, true);
  const second = await scoreAndRead(h, gold, await ingest('/videos', 'deviation.mp4'));
  assert.equal(second.passed, false);
  const similar = second.similar_failures as Array<{ type: string; matches: Array<{ score_id: string; distance: number }> }>;
  const ids = similar.flatMap((g) => g.matches.map((m) => m.score_id));
  assert.ok(ids.includes(String(first.id)), JSON.stringify(similar));
  assert.ok(!ids.includes(String(ok.id)), 'a passed score is not a past failure');
});

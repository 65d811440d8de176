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
  await generateDemo({ outDir: dir, seed: 3, scale: 0.7, width: 160, height: 120, only: ['gold', 'deviation', 'correct', 'missing'] });
  h = await startTestHost();
});
after(async () => h?.close());

async function ingest(p: '/gold' | '/videos', file: string, worker?: string): Promise<string> {
  const r = await h.upload(p, path.join(dir, file), { task_id: 'sim-task', ...(worker ? { worker_id: worker } : {}) });
  const b = (await r.json()) as { video_id: string; job_id: string };
  assert.equal((await waitJob(h, b.job_id)).status, 'completed');
  return b.video_id;
}

type Match = { score_id: string; video_id: string; worker_id: string | null; performed_at: string; type: string; step: { index: number; name: string }; distance: number | null; same_type: boolean; thumbnail_url: string };

test('a failing performance lists earlier failed runs with a fault on the same step, same type first, nearest footage next, each once', async () => {
  const gold = await ingest('/gold', 'gold.mp4');
  const first = await scoreAndRead(h, gold, await ingest('/videos', 'deviation.mp4', 'W-first'));
  assert.equal(first.passed, false);
  const ok = await scoreAndRead(h, gold, await ingest('/videos', 'correct.mp4'));
  assert.equal(ok.passed, true);
  // Failed too, but on another step than the deviation (the demo never picks the same one).
  const other = await scoreAndRead(h, gold, await ingest('/videos', 'missing.mp4', 'W-other'));
  assert.equal(other.passed, false);
  const second = await scoreAndRead(h, gold, await ingest('/videos', 'deviation.mp4'));
  assert.equal(second.passed, false);
  const similar = second.similar_failures as Array<{ deviation_index: number; type: string; gold_step: { index: number }; matches: Match[] }>;
  const ids = similar.flatMap((g) => g.matches.map((m) => m.score_id));
  assert.ok(ids.includes(String(first.id)), JSON.stringify(similar));
  assert.ok(!ids.includes(String(ok.id)), 'a passed score is not a past failure');
  const devsOf = new Map<string, Array<{ gold_step: { index: number } | null }>>();
  for (const x of [first, other]) devsOf.set(String(x.id), x.deviations as Array<{ gold_step: { index: number } | null }>);
  for (const g of similar) {
    assert.equal(new Set(g.matches.map((m) => m.score_id)).size, g.matches.length, 'no run twice in a group');
    // A swap is on both of its steps.
    const own = (second.deviations as Array<{ type: string; other_step: { index: number } | null }>)[g.deviation_index];
    const onSteps = [g.gold_step.index, ...(own.type === 'order_swap' && own.other_step ? [own.other_step.index] : [])];
    for (const m of g.matches) {
      assert.ok(onSteps.includes(m.step.index), `match on step ${m.step.index}, deviation on ${onSteps}`);
      // Never a run that had no fault on that step.
      assert.ok(devsOf.get(m.score_id)!.some((d) => d.gold_step?.index === m.step.index), `score ${m.score_id} had a fault on step ${m.step.index}`);
      assert.equal(m.worker_id, m.score_id === first.id ? 'W-first' : 'W-other');
      assert.ok(m.performed_at);
      if (m.same_type) assert.equal(m.type, g.type);
    }
    const sameFirst = g.matches.map((m) => m.same_type);
    assert.deepEqual(sameFirst, [...sameFirst].sort((a, b) => Number(b) - Number(a)), 'same type first');
  }
  const otherSteps = new Set(devsOf.get(String(other.id))!.map((d) => d.gold_step?.index));
  const stepGroups = similar.filter((g) => !otherSteps.has(g.gold_step.index));
  assert.ok(stepGroups.length > 0, 'a deviation on a step the missing-step run did right');
  for (const g of stepGroups) assert.ok(!g.matches.some((m) => m.score_id === other.id), 'a run with no fault on that step is not listed');
  const m = similar.flatMap((g) => g.matches)[0];
  const thumb = await h.api(m.thumbnail_url, { as: 'viewer' });
  assert.equal(thumb.status, 200);
  assert.equal(thumb.headers.get('content-type'), 'image/png');
  assert.deepEqual([...Buffer.from(await thumb.arrayBuffer()).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
});

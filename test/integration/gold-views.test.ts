// Gold views end to end (embedded host, default embedder): the gold's synthetic camera views are
// embedded at ingest and stored, and a correct run filmed from a camera moved too far for view
// compensation (zoom 1.15, 2° tilt, aimed elsewhere, darker) passes by being scored against the
// view that matches it; the same camera on a run with a step left out still fails on that step.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../shared/demo/generate.js';
import { resolveFfmpegPath } from '../../shared/media/binaries.js';
import { startLocalHost } from '../../cli/demo-all.js';
import { SopilotClient } from '../../cli/http-client.js';
import { embeddingsBlobKey } from '../../shared/embeddings/repo.js';

const dir = await mkdtemp(join(tmpdir(), 'gold-views-'));
after(() => rm(dir, { recursive: true, force: true }));

/** The video re-filmed by a camera moved closer (1.15x), tilted 2°, aimed up-right, darker. */
function moveCamera(src: string, out: string): void {
  const cw = 2 * Math.round(320 / 1.15 / 2);
  const ch = 2 * Math.round(240 / 1.15 / 2);
  const vf = `rotate=0.035:fillcolor=black,crop=${cw}:${ch}:${Math.floor((320 - cw) * 0.7)}:${Math.floor((240 - ch) * 0.3)},scale=320:240,eq=brightness=-0.06:contrast=1.08,format=yuv420p`;
  const r = spawnSync(resolveFfmpegPath(), ['-loglevel', 'error', '-y', '-i', src, '-vf', vf, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', out]);
  assert.equal(r.status, 0, String(r.stderr));
}

test('a correct run from a camera moved too far for an offset passes against a gold view; a missing step still fails', async () => {
  const man = await generateDemo({ outDir: dir, seed: 5, only: ['gold', 'correct', 'missing'] });
  moveCamera(join(dir, 'correct.mp4'), join(dir, 'moved_correct.mp4'));
  moveCamera(join(dir, 'missing.mp4'), join(dir, 'moved_missing.mp4'));
  // Gold views belong to the profile method with whole-frame embedders (the previous default);
  // the default (hybrid-work, visits) registers the camera instead.
  const host = await startLocalHost({
    dataDir: join(dir, 'data'),
    port: 0,
    env: { SOPILOT_LOG_LEVEL: 'warn', SOPILOT_EMBEDDER_BACKEND: 'hybrid', SOPILOT_CLIP_STRIDE: '4', SOPILOT_SCORING_OPTIONS_JSON: '{"method":"profile"}' },
  });
  try {
    const c = new SopilotClient({ baseUrl: host.url, token: host.token });
    const g = await c.upload(join(dir, 'gold.mp4'), 'views', 'gold');
    const [a, b] = await Promise.all([c.upload(join(dir, 'moved_correct.mp4'), 'views', 'trainee'), c.upload(join(dir, 'moved_missing.mp4'), 'views', 'trainee')]);
    await Promise.all([g, a, b].map((v) => c.waitForIndexed(v.video_id)));
    for (let k = 1; k <= 7; k++) assert.ok(await host.ctx.store.head(embeddingsBlobKey(g.video_id, k)), `gold view ${k} stored`);
    const score = async (t: string) => c.waitForScore((await c.requestScore(g.video_id, t)).score_job_id);
    const ok = await score(a.video_id);
    const bd = ok.breakdown as Record<string, number>;
    assert.ok(bd.median_step_quality_as_filmed < 0.6, `as filmed the run matches poorly: ${JSON.stringify(bd)}`);
    assert.ok(bd.gold_view > 0, `a gold view was used: ${JSON.stringify(bd)}`);
    assert.equal(ok.passed, true, `moved correct run: ${ok.score} ${JSON.stringify(ok.deviations.map((d) => [d.type, d.severity, d.gold_step?.index]))}`);
    const miss = await score(b.video_id);
    assert.equal(miss.passed, false);
    const planted = man.variants.gold.segments[man.variants.missing.planted[0].steps[0]];
    const onPlanted = miss.deviations.filter((d) => d.severity === 'high' && d.gold_step && (d.gold_step.start_sec + d.gold_step.end_sec) / 2 >= planted.start_sec && (d.gold_step.start_sec + d.gold_step.end_sec) / 2 < planted.end_sec);
    assert.ok(onPlanted.length > 0, `the left-out step is reported: ${JSON.stringify(miss.deviations.map((d) => [d.type, d.severity, d.gold_step?.start_sec]))}`);
  } finally {
    await host.stop();
  }
});

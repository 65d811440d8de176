import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBench } from '../../shared/demo/bench/generate.js';
import type { BenchTimeline } from '../../shared/demo/bench/manifest.js';
import { parseManifest, type EvalManifest } from '../../shared/evaluation/manifest.js';
import { probeVideo } from '../../shared/media/probe.js';
import { main } from '../../cli/demo-generate.js';

let dir: string;
let manifest: EvalManifest;
// Tiny and short: steps of ~1 s at 8 fps, 96x72; a few videos, two at a time in worker threads.
const ONLY = ['gold', 'missing-first', 'slow-2.5x', 'camera-res-fps'];
const OPTS = { seed: 9, scale: 0.25, width: 96, height: 72, fps: 8 };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sopilot-bench-'));
  manifest = await generateBench({ outDir: dir, ...OPTS, only: ONLY, split: 'heldout', concurrency: 2 });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('bench set: the rendered videos probe with the durations, sizes and rates of the manifests', async () => {
  assert.deepEqual((await readdir(dir)).sort(), [...ONLY.map((n) => `${n}.mp4`), 'eval-manifest.json', 'timeline.json'].sort());
  const onDisk = parseManifest(JSON.parse(await readFile(join(dir, 'eval-manifest.json'), 'utf8')));
  assert.deepEqual(onDisk, manifest);
  assert.ok(manifest.cases.every((c) => c.split === 'heldout'));
  const tl = JSON.parse(await readFile(join(dir, 'timeline.json'), 'utf8')) as BenchTimeline;
  for (const name of ONLY) {
    const v = tl.videos.find((x) => x.name === name)!;
    const info = await probeVideo(join(dir, v.file));
    assert.equal(info.codec, 'h264');
    assert.deepEqual([info.width, info.height], [v.width, v.height], name);
    assert.ok(Math.abs(info.fps - v.fps) < 0.01, `${name}: ${info.fps} fps`);
    assert.ok(Math.abs(info.duration_sec - v.duration_sec) <= 1.5 / v.fps, `${name}: probed ${info.duration_sec} s, planned ${v.duration_sec} s`);
  }
  // The gold's true steps in the eval manifest are the gold video's timeline.
  const gold = tl.videos.find((x) => x.name === 'gold')!;
  assert.deepEqual(manifest.cases[0].true_gold_steps, gold.segments.filter((s) => s.name !== 'idle').map((s) => ({ name: s.name, start_sec: s.start_sec, end_sec: s.end_sec })));
  assert.deepEqual([tl.videos.find((x) => x.name === 'camera-res-fps')!.width, tl.videos.find((x) => x.name === 'camera-res-fps')!.fps], [120, 6]);
});

test('CLI: --scene bench renders chosen videos; bad scene, split or video names exit 1', async () => {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  assert.equal(await main(['--out-dir', dir, '--scene', 'nope'], io), 1);
  assert.match(lines.join('\n'), /--scene must be demo or bench/);
  assert.equal(await main(['--out-dir', dir, '--scene', 'bench', '--split', 'train'], io), 1);
  assert.equal(await main(['--out-dir', dir, '--split', 'dev'], io), 1);
  assert.equal(await main(['--out-dir', dir, '--scene', 'bench', '--only', 'nope'], io), 1);
  assert.match(lines.join('\n'), /unknown bench video/);
  const out = await mkdtemp(join(tmpdir(), 'sopilot-bench-cli-'));
  try {
    lines.length = 0;
    const code = await main(['--out-dir', out, '--scene', 'bench', '--seed', '2', '--scale', '0.15', '--width', '64', '--height', '48', '--fps', '6', '--only', 'gold'], io);
    assert.equal(code, 0, lines.join('\n'));
    assert.deepEqual((await readdir(out)).sort(), ['eval-manifest.json', 'gold.mp4', 'timeline.json']);
    assert.match(lines.join('\n'), /all-steps-off +fault +expect FAIL/);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('a failing ffmpeg fails the set with the video it was rendering', async () => {
  const out = await mkdtemp(join(tmpdir(), 'sopilot-bench-fail-'));
  try {
    await assert.rejects(
      generateBench({ outDir: out, ...OPTS, only: ['gold'], ffmpegPath: '/bin/false', concurrency: 1 }),
      /ffmpeg failed rendering gold\.mp4 \(exit 1\)/,
    );
    assert.deepEqual(await readdir(out), [], 'no manifest for a set that did not render');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

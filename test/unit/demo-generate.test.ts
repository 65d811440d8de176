import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../shared/demo/generate.js';
import { manifestOf, planDemo, VARIANT_NAMES, type DemoManifest } from '../../shared/demo/plan.js';
import { DEMO_STEPS } from '../../shared/demo/scenes.js';
import { probeVideo } from '../../shared/media/probe.js';
import { decodeFrames } from '../../shared/media/decode.js';
import { main } from '../../cli/demo-generate.js';

let dir: string;
let manifest: DemoManifest;
// Small and short for speed: steps of ~1-2 s at 10 fps, 160x120.
const OPTS = { seed: 42, scale: 0.25, width: 160, height: 120, fps: 10 };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sopilot-demo-'));
  manifest = await generateDemo({ outDir: dir, ...OPTS });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('plan is deterministic for a seed and changes with the seed', () => {
  const a = manifestOf(planDemo({ seed: 5 }));
  const b = manifestOf(planDemo({ seed: 5 }));
  const c = manifestOf(planDemo({ seed: 6 }));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.variants, c.variants);
  // the generated manifest is the plan's manifest
  assert.deepEqual(manifest, manifestOf(planDemo(OPTS)));
});

test('manifest shape and planted deviations are valid for many seeds', () => {
  for (let seed = 0; seed < 40; seed++) {
    const m = manifestOf(planDemo({ seed }));
    assert.deepEqual(m.steps.map((s) => s.name), ['power off', 'open panel', 'remove old filter', 'insert new filter', 'close panel', 'power on and check']);
    assert.deepEqual(Object.keys(m.variants), VARIANT_NAMES);
    const gold = m.variants.gold;
    for (const d of gold.step_durations_sec) assert.ok(d !== null && d >= 4 - 0.05 && d <= 8 + 0.05, `gold step ${d}`);
    for (const [name, v] of Object.entries(m.variants)) {
      assert.equal(v.file, `${name}.mp4`);
      assert.equal(v.expect_pass, name === 'gold' || name === 'correct' || name === 'camera_correct');
      assert.equal(v.planted.length === 0, v.expect_pass);
      // timeline is contiguous and sums to the duration
      let t = 0;
      for (const s of v.segments) {
        assert.equal(s.start_sec, Math.round(t * 1e4) / 1e4);
        t = s.end_sec;
      }
      assert.equal(v.duration_sec, t);
      for (const p of v.planted) for (const s of p.steps) assert.ok(s >= 1 && s <= 4, 'only middle steps are planted');
    }
    const correct = m.variants.correct;
    correct.step_durations_sec.forEach((d, i) => {
      const r = d! / gold.step_durations_sec[i]!;
      assert.ok(r >= 0.68 && r <= 1.32, `correct timing ratio ${r}`);
    });
    const miss = m.variants.missing.planted[0].steps[0];
    assert.equal(m.variants.missing.step_durations_sec[miss], null);
    assert.ok(!m.variants.missing.segments.some((s) => s.step === miss));
    const [a, b] = m.variants.swap.planted[0].steps;
    assert.equal(b, a + 1);
    const order = m.variants.swap.segments.map((s) => s.step);
    assert.deepEqual(order.slice(a, a + 2), [b, a]);
    const dev = m.variants.deviation.planted[0].steps[0];
    assert.deepEqual(m.variants.deviation.segments.filter((s) => s.style === 'deviation').map((s) => s.step), [dev]);
    const slow = m.variants.time_over.planted[0].steps[0];
    const ratio = m.variants.time_over.step_durations_sec[slow]! / gold.step_durations_sec[slow]!;
    assert.ok(ratio >= 2.45 && ratio <= 3.05, `over-time ratio ${ratio}`);
    const mixedTypes = m.variants.mixed.planted.map((p) => p.type).sort();
    assert.deepEqual(mixedTypes, ['missing_step', 'over_time']);
    assert.notEqual(m.variants.mixed.planted[0].steps[0], m.variants.mixed.planted[1].steps[0]);
  }
});

test('every video exists and probes with the planned durations and size (camera variants too)', async () => {
  const files = (await readdir(dir)).sort();
  assert.deepEqual(files, [...VARIANT_NAMES.map((n) => `${n}.mp4`), 'manifest.json'].sort());
  const onDisk = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  assert.deepEqual(onDisk, manifest);
  for (const v of Object.values(manifest.variants)) {
    const info = await probeVideo(join(dir, v.file));
    assert.equal(info.width, 160);
    assert.equal(info.height, 120);
    assert.equal(info.codec, 'h264');
    assert.ok(Math.abs(info.fps - 10) < 0.01);
    const sum = v.step_durations_sec.reduce<number>((a, d) => a + (d ?? 0), 0);
    assert.ok(Math.abs(info.duration_sec - sum) <= 0.2, `${v.file}: probed ${info.duration_sec} vs planned ${sum}`);
    assert.ok((await stat(join(dir, v.file))).size > 1000);
  }
  // The camera variants are the correct / missing performances re-filmed with one moved camera.
  const cam = manifest.variants.camera_correct;
  assert.ok(cam.view && cam.view.zoom > 1 && Math.abs(cam.view.angle_rad) > 0.01, JSON.stringify(cam.view));
  assert.deepEqual(manifest.variants.camera_missing.view, cam.view);
  assert.deepEqual(cam.segments, manifest.variants.correct.segments);
  assert.deepEqual(manifest.variants.camera_missing.planted, manifest.variants.missing.planted);
  assert.equal(manifest.variants.correct.view, undefined);
});

// A generic embedder stand-in: 64-bin colour histogram + coarse 8x6 grayscale layout.
function features(d: Uint8Array, W: number, H: number): Float64Array {
  const f = new Float64Array(112);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const p = (y * W + x) * 3;
      f[(d[p] >> 6) * 16 + (d[p + 1] >> 6) * 4 + (d[p + 2] >> 6)]++;
      f[64 + Math.floor((y * 6) / H) * 8 + Math.floor((x * 8) / W)] += (d[p] + d[p + 1] + d[p + 2]) / 3;
    }
  const norm = (a: number, b: number, centre: boolean) => {
    let mean = 0;
    if (centre) { for (let i = a; i < b; i++) mean += f[i]; mean /= b - a; }
    let n = 0;
    for (let i = a; i < b; i++) { f[i] -= mean; n += f[i] * f[i]; }
    n = Math.sqrt(n) || 1;
    for (let i = a; i < b; i++) f[i] /= n * Math.SQRT2;
  };
  norm(0, 64, false);
  norm(64, 112, true);
  return f;
}
const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);

async function framesOf(file: string, variant: keyof DemoManifest['variants']) {
  const out: Array<{ step: number; style: string; f: Float64Array }> = [];
  for await (const fr of decodeFrames(join(dir, file), { fps: 5, width: 64, height: 48 })) {
    const seg = manifest.variants[variant].segments.find((s) => fr.time_sec >= s.start_sec && fr.time_sec < s.end_sec);
    if (seg) out.push({ step: seg.step, style: seg.style, f: features(fr.frame.data, 64, 48) });
  }
  return out;
}

test('steps are visually distinct; a deviation stays close to its own step but below a correct performance', async (t) => {
  const gold = await framesOf('gold.mp4', 'gold');
  const correct = await framesOf('correct.mp4', 'correct');
  const deviation = await framesOf('deviation.mp4', 'deviation');
  const bestIn = (f: Float64Array, step: number | null) =>
    Math.max(...gold.filter((g) => (step === null ? true : g.step === step)).map((g) => dot(f, g.f)));
  // Each correct frame's nearest gold frame belongs to the same step (camera moved, new noise, new timing).
  let hit = 0;
  for (const c of correct) {
    const sims = DEMO_STEPS.map((_, s) => bestIn(c.f, s));
    if (sims.indexOf(Math.max(...sims)) === c.step) hit++;
  }
  assert.ok(hit / correct.length >= 0.9, `step recognition ${hit}/${correct.length}`);
  const devStep = manifest.variants.deviation.planted[0].steps[0];
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const devSame = mean(deviation.filter((d) => d.style === 'deviation').map((d) => bestIn(d.f, devStep)));
  const devOther = mean(deviation.filter((d) => d.style === 'deviation').map((d) => Math.max(...DEMO_STEPS.map((_, s) => (s === devStep ? -1 : bestIn(d.f, s))))));
  const okSame = mean(correct.filter((c) => c.step === devStep).map((c) => bestIn(c.f, devStep)));
  t.diagnostic(`step recognition ${hit}/${correct.length}; deviated step ${devStep}: deviation ${devSame.toFixed(3)}, correct ${okSame.toFixed(3)}, nearest other step ${devOther.toFixed(3)}`);
  assert.ok(devSame < okSame - 0.05, `deviation ${devSame.toFixed(3)} vs correct ${okSame.toFixed(3)}`);
  assert.ok(devSame > devOther, `deviation still nearest its own step: ${devSame.toFixed(3)} vs ${devOther.toFixed(3)}`);
});

test('CLI: bad arguments give exit code 1 and usage', async () => {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  assert.equal(await main([], io), 1);
  assert.match(lines.join('\n'), /--out-dir is required/);
  assert.equal(await main(['--out-dir', dir, '--only', 'nope'], io), 1);
  assert.equal(await main(['--out-dir', dir, '--width', '33'], io), 1);
  assert.equal(await main(['--help'], io), 0);
});

test('CLI: renders a chosen variant', async () => {
  const out = await mkdtemp(join(tmpdir(), 'sopilot-demo-cli-'));
  try {
    const lines: string[] = [];
    const code = await main(['--out-dir', out, '--seed', '3', '--scale', '0.1', '--width', '96', '--height', '64', '--fps', '8', '--only', 'gold'], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
    });
    assert.equal(code, 0, lines.join('\n'));
    assert.deepEqual((await readdir(out)).sort(), ['gold.mp4', 'manifest.json']);
    assert.match(lines.join('\n'), /gold\.mp4/);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

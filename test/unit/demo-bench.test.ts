import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest } from '../../shared/evaluation/manifest.js';
import { evalManifestOf, timelineOf, BENCH_THRESHOLDS } from '../../shared/demo/bench/manifest.js';
import { goldSteps, planBench, timeline, type BenchPlan } from '../../shared/demo/bench/plan.js';
import { BenchFrames, IDLE } from '../../shared/demo/bench/frame.js';
import { solveArm } from '../../shared/demo/bench/hands.js';
import { BENCH_STEPS, FIXTURE, RACK } from '../../shared/demo/bench/layout.js';
import { makeCamera, toPixel, GOLD_VIEW } from '../../shared/demo/bench/raster.js';

const n = BENCH_STEPS.length;
const video = (plan: BenchPlan, name: string) => plan.videos.find((v) => v.name === name)!;
/** A video's segments without the idle time around the work. */
const work = <T extends { step: number }>(segs: T[]) => segs.filter((s) => s.step !== IDLE);

test('bench plan is deterministic for a seed and changes with the seed', () => {
  assert.deepEqual(planBench({ seed: 5 }), planBench({ seed: 5 }));
  assert.deepEqual(evalManifestOf(planBench({ seed: 5 }), 'dev'), evalManifestOf(planBench({ seed: 5 }), 'dev'));
  assert.notDeepEqual(timelineOf(planBench({ seed: 5 })), timelineOf(planBench({ seed: 6 })));
  assert.throws(() => planBench({ width: 33 }), /even integer/);
  assert.throws(() => planBench({ scale: 0 }), /scale/);
});

test('which steps get which fault does not depend on the scale, except where a slow step must be long enough', () => {
  for (let seed = 0; seed < 10; seed++) {
    const full = planBench({ seed });
    const short = planBench({ seed, scale: 0.25 });
    const picks = (p: BenchPlan) => p.cases.filter((c) => !c.id.startsWith('slow')).map((c) => [c.id, c.faults]);
    assert.deepEqual(picks(short), picks(full));
  }
});

test('slow-1.5x plants over_time only where the slowed step clears the over_time floor (2 s more), at any scale', () => {
  for (const scale of [1, 0.6, 0.25]) {
    for (let seed = 0; seed < 10; seed++) {
      const plan = planBench({ seed, scale });
      const c = plan.cases.find((x) => x.id === 'slow-1.5x')!;
      const goldLine = timeline(video(plan, 'gold')).filter((x) => x.step !== IDLE);
      const line = timeline(video(plan, 'slow-1.5x')).filter((x) => x.step !== IDLE);
      const extra = Math.max(...line.map((x, i) => x.end_sec - x.start_sec - (goldLine[i].end_sec - goldLine[i].start_sec)));
      if (c.category === 'fault') assert.ok(extra >= 2 - 1e-9 && c.expected === 'fail', `scale ${scale} seed ${seed}: ${extra.toFixed(2)} s more`);
      else assert.ok(c.category === 'correct' && c.expected === 'pass' && extra < 2, `scale ${scale} seed ${seed}: ${c.category} with ${extra.toFixed(2)} s more`);
    }
  }
});

test('eval manifest validates and carries the goals, the split and the detect cases', () => {
  for (let seed = 0; seed < 30; seed++) {
    const plan = planBench({ seed });
    const m = parseManifest(JSON.parse(JSON.stringify(evalManifestOf(plan, seed % 2 ? 'heldout' : 'dev'))));
    assert.equal(m.version, 1);
    assert.equal(m.kind, 'synthetic');
    assert.equal(m.gating, false);
    assert.deepEqual(m.thresholds, { ...BENCH_THRESHOLDS });
    assert.ok(m.cases.every((c) => c.split === (seed % 2 ? 'heldout' : 'dev')));
    const gold = goldSteps(plan);
    for (const c of m.cases) {
      assert.equal(c.gold, 'gold.mp4');
      assert.ok(plan.videos.some((v) => v.file === c.trainee), c.trainee);
      assert.equal(c.true_gold_steps!.length, n);
      assert.equal(c.gold_steps === 'detect', c.id.endsWith('-detect'), c.id);
      if (c.gold_steps !== 'detect') assert.deepEqual(c.gold_steps, c.true_gold_steps);
      assert.equal(c.expected, c.category === 'fault' ? 'fail' : 'pass');
      assert.equal(c.faults.length > 0, c.category === 'fault');
    }
    // The true gold steps tile the gold video between its idle lead-in and tail, on whole frames.
    const goldLine = timeline(video(plan, 'gold'));
    assert.deepEqual([goldLine[0].step, goldLine[goldLine.length - 1].step], [IDLE, IDLE]);
    assert.ok(gold[0].start_sec >= 0.5 && gold[0].start_sec <= 1.5 + 1e-9, `lead-in ${gold[0].start_sec}`);
    assert.equal(gold[0].start_sec, goldLine[0].end_sec);
    assert.ok(goldLine[goldLine.length - 1].end_sec - gold[n - 1].end_sec >= 0.5 - 1e-9);
    for (let i = 1; i < n; i++) assert.ok(Math.abs(gold[i].start_sec - gold[i - 1].end_sec) < 1e-9);
    for (const s of gold) assert.ok(Math.abs(s.start_sec * plan.fps - Math.round(s.start_sec * plan.fps)) < 1e-6);
    const ids = m.cases.map((c) => c.id);
    for (const id of ['correct-b', 'correct-a2', 'correct-b-detect', 'missing-first', 'missing-middle', 'missing-last', 'swap-adjacent', 'swap-apart', 'rework', 'slow-1.5x', 'slow-2.5x', 'wrong-part', 'all-steps-off', 'missing-middle-detect', 'swap-adjacent-detect'])
      assert.ok(ids.includes(id), id);
    assert.equal(m.cases.filter((c) => c.category === 'camera').length, 4);
  }
});

test('planted faults match the segment timeline of the rendered videos, in gold seconds', () => {
  for (let seed = 0; seed < 30; seed++) {
    const plan = planBench({ seed });
    const m = evalManifestOf(plan, 'dev');
    const gold = work(timeline(video(plan, 'gold')));
    const b = work(timeline(video(plan, 'correct-b')));
    const span = (step: number) => ({ gold_start_sec: Math.round(gold[step].start_sec * 1e4) / 1e4, gold_end_sec: Math.round(gold[step].end_sec * 1e4) / 1e4 });
    const steps = Array.from({ length: n }, (_, i) => i);
    for (const c of m.cases) {
      const pc = plan.cases.find((x) => x.id === c.id)!;
      const v = video(plan, pc.trainee);
      const segs = work(timeline(v));
      const got = work(v.segments).map((s) => s.step);
      for (const f of c.faults) assert.ok(gold.some((_, i) => f.gold_start_sec === span(i).gold_start_sec && f.gold_end_sec === span(i).gold_end_sec), `${c.id}: fault span is a gold step`);
      const faultSteps = pc.faults.map((f) => f.step);
      c.faults.forEach((f, k) => assert.deepEqual({ s: f.gold_start_sec, e: f.gold_end_sec }, { s: span(faultSteps[k]).gold_start_sec, e: span(faultSteps[k]).gold_end_sec }));
      if (c.category !== 'fault') {
        assert.deepEqual(got, steps, c.id);
        assert.ok(v.segments.every((s) => s.style === 'normal'));
        // Every recording of a take has the same idle time around the work.
        assert.deepEqual([v.segments[0].durationSec, v.segments[v.segments.length - 1].durationSec], plan.takes.find((t) => t.id === v.take)!.leadSec);
        continue;
      }
      const types = c.faults.map((f) => f.type);
      if (c.id.startsWith('missing')) {
        assert.deepEqual(types, ['missing_step']);
        assert.deepEqual(got, steps.filter((i) => i !== faultSteps[0]));
        if (c.id.startsWith('missing-first')) assert.equal(faultSteps[0], 0);
        if (c.id.startsWith('missing-last')) assert.equal(faultSteps[0], n - 1);
        if (c.id.startsWith('missing-middle')) assert.ok(faultSteps[0] > 0 && faultSteps[0] < n - 1);
      } else if (c.id.startsWith('swap')) {
        assert.deepEqual(types, ['order_swap', 'order_swap']);
        const [x, y] = faultSteps;
        assert.ok(c.id.startsWith('swap-adjacent') ? y - x === 1 : y - x >= 2, `${c.id}: steps ${x}, ${y}`);
        assert.deepEqual(got, steps.map((i) => (i === x ? y : i === y ? x : i)));
      } else if (c.id === 'rework') {
        const k = faultSteps[0];
        assert.deepEqual(got, steps.flatMap((i) => (i === k ? [i, i] : [i])));
        // The repeat is another performance of the step, not a copy.
        assert.notEqual(work(v.segments)[k].seed, work(v.segments)[k + 1].seed);
      } else if (c.id.startsWith('slow')) {
        const k = faultSteps[0];
        const factor = c.id === 'slow-1.5x' ? 1.5 : 2.5;
        const dur = segs[k].end_sec - segs[k].start_sec;
        const goldDur = gold[k].end_sec - gold[k].start_sec;
        assert.ok(Math.abs(dur / goldDur - factor) < 0.03, `${c.id}: ${dur / goldDur}`);
        // Past the over_time floor (1.5x and 2 s longer) at full length.
        assert.ok(dur - goldDur >= 2 - 1e-9, `${c.id}: ${dur - goldDur} s longer`);
        segs.forEach((s, i) => i !== k && assert.ok(Math.abs(s.end_sec - s.start_sec - (b[i].end_sec - b[i].start_sec)) < 1e-9));
      } else if (c.id === 'wrong-part') {
        assert.deepEqual(work(v.segments).map((s) => s.style), steps.map((i) => (i === faultSteps[0] ? 'wrong_part' : 'normal')));
      } else if (c.id === 'all-steps-off') {
        assert.deepEqual(types, steps.map(() => 'step_deviation'));
        assert.deepEqual(faultSteps, steps);
        assert.ok(work(v.segments).every((s) => s.style === 'sloppy'));
      } else assert.fail(`unexpected fault case ${c.id}`);
    }
  }
});

test('camera variants move the camera within the stated ranges, one at another size and rate', () => {
  const plan = planBench({ seed: 3 });
  const cams = plan.videos.filter((v) => v.camera);
  assert.equal(cams.length, 4);
  for (const v of cams) {
    const c = v.camera!;
    assert.ok(c.zoom >= 1 && c.zoom <= 1.05, `zoom ${c.zoom}`);
    assert.ok(Math.abs(c.rotate_deg) <= 3 && Math.abs(c.shift_x) <= 0.05 && Math.abs(c.shift_y) <= 0.05 && Math.abs(c.brightness) <= 0.2 + 1e-9);
    assert.deepEqual(v.segments, video(plan, 'correct-b').segments);
  }
  assert.ok(cams.some((v) => Math.abs(v.camera!.rotate_deg) >= 2));
  assert.ok(cams.some((v) => v.camera!.brightness <= -0.15) && cams.some((v) => v.camera!.brightness >= 0.15));
  const other = cams.find((v) => v.name === 'camera-res-fps')!;
  assert.deepEqual([other.shot.width, other.shot.height, other.fps], [400, 300, 12]);
});

test('arm kinematics: segment lengths hold, the pinch point is reached, the torso leans for far targets', () => {
  const plan = planBench({ seed: 2 });
  const p = plan.takes[0].performer;
  for (const [x, y] of [[60, 42], [160, 128], [262, 203], [124, 205]]) {
    for (const side of ['L', 'R'] as const) {
      const g = solveArm(p, side, { x, y, grip: 0.5, lift: 0, ang: 0.1 });
      const len = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
      assert.ok(Math.abs(len(g.shoulder, g.elbow) - p.upper) < 1e-6);
      assert.ok(Math.abs(len(g.elbow, g.wrist) - p.fore) < 1e-6);
      // The elbow goes out to the arm's own side of the shoulder-wrist line.
      const cross = (g.wrist[0] - g.shoulder[0]) * (g.elbow[1] - g.shoulder[1]) - (g.wrist[1] - g.shoulder[1]) * (g.elbow[0] - g.shoulder[0]);
      assert.ok(side === 'L' ? cross < 0 : cross > 0, `${side} elbow at ${g.elbow}`);
    }
  }
  const far = solveArm(p, 'L', { x: 60, y: 20, grip: 0, lift: 0, ang: 0 });
  assert.ok(far.shoulder[1] < p.shoulderL[1] - 1, 'leans in');
});

test('frames differ between steps only where the work is; the bench around it is the same', () => {
  const plan = planBench({ seed: 4 });
  const v = video(plan, 'gold');
  const t = plan.takes.find((x) => x.id === v.take)!;
  const W = 160, H = 120;
  const frames = new BenchFrames({ performer: t.performer, habit: t.habit, segments: v.segments }, { ...v.shot, width: W, height: H, noise: 0, drift: { amp: 0, hz: 0, phase: 0 } });
  const cam = makeCamera(W, H, GOLD_VIEW);
  const segs = work(timeline(v));
  // Where the work can show: near either arm (its shadow included), the fixture, the screwdriver's rack.
  const workMask = (time: number): Uint8Array => {
    const mask = new Uint8Array(W * H);
    const segsNear: Array<[number[], number[], number]> = [];
    for (const { pose, arm } of Object.values(frames.hands(time))) {
      segsNear.push([arm.shoulder as number[], arm.elbow as number[], 45], [arm.elbow as number[], arm.wrist as number[], 40], [arm.wrist as number[], [pose.x, pose.y], 50]);
    }
    const [fx, fy] = FIXTURE.centre;
    segsNear.push([[fx - 40, fy], [fx + 40, fy], 42], [[RACK.screwdriver[0] - 35, RACK.screwdriver[1]], [RACK.screwdriver[0] + 35, RACK.screwdriver[1]], 22]);
    for (let py = 0; py < H; py++)
      for (let px = 0; px < W; px++) {
        // Back to world units through the gold camera.
        const [ia, ib, ic, id, ie, iff] = cam.inv;
        const x = ia * (px + 0.5) + ib * (py + 0.5) + ic, y = id * (px + 0.5) + ie * (py + 0.5) + iff;
        for (const [a, b, r] of segsNear) {
          const ux = b[0] - a[0], uy = b[1] - a[1];
          const h = Math.max(0, Math.min(1, ((x - a[0]) * ux + (y - a[1]) * uy) / (ux * ux + uy * uy || 1)));
          if (Math.hypot(x - a[0] - ux * h, y - a[1] - uy * h) < r) {
            mask[py * W + px] = 1;
            break;
          }
        }
      }
    return mask;
  };
  const mid = segs.map((s) => (s.start_sec + s.end_sec) / 2);
  const shots = mid.map((time, k) => ({ rgb: Uint8Array.from(frames.frame(time, k, new Uint8Array(W * H * 3))), mask: workMask(time) }));
  for (let a = 0; a < shots.length; a++)
    for (let b = a + 1; b < shots.length; b++) {
      let far = 0, changedFar = 0, changedNear = 0;
      for (let p = 0; p < W * H; p++) {
        const diff = [0, 1, 2].some((c) => shots[a].rgb[p * 3 + c] !== shots[b].rgb[p * 3 + c]);
        if (shots[a].mask[p] || shots[b].mask[p]) changedNear += diff ? 1 : 0;
        else {
          far++;
          changedFar += diff ? 1 : 0;
        }
      }
      assert.equal(changedFar, 0, `steps ${a} and ${b}: ${changedFar} of ${far} pixels away from the work differ`);
      assert.ok(far > W * H * 0.3, `steps ${a} and ${b}: only ${far} pixels away from the work`);
      assert.ok(changedNear > 100, `steps ${a} and ${b}: the work region barely differs (${changedNear})`);
    }
  // What a step leaves on the bench: the fixture looks different once each step is done.
  const fixturePx = (() => {
    const [x0, y0] = toPixel(cam, FIXTURE.centre[0] - 30, FIXTURE.centre[1] - 25);
    const [x1, y1] = toPixel(cam, FIXTURE.centre[0] + 30, FIXTURE.centre[1] + 25);
    return { x0: Math.floor(x0), y0: Math.floor(y0), x1: Math.ceil(x1), y1: Math.ceil(y1) };
  })();
  const settled = segs.map((s, k) => Uint8Array.from(frames.frame(s.end_sec - 1e-3, 100 + k, new Uint8Array(W * H * 3))));
  for (let k = 1; k < n; k++) {
    let diff = 0;
    for (let y = fixturePx.y0; y < fixturePx.y1; y++)
      for (let x = fixturePx.x0; x < fixturePx.x1; x++) diff += Math.abs(settled[k][(y * W + x) * 3] - settled[k - 1][(y * W + x) * 3]);
    assert.ok(diff > 200, `step ${k} leaves no visible change in the fixture (${diff})`);
  }
});

test('a frame is the same every time it is drawn, and sensor noise varies per frame', () => {
  const plan = planBench({ seed: 1 });
  const v = video(plan, 'wrong-part');
  const t = plan.takes.find((x) => x.id === v.take)!;
  const mk = () => new BenchFrames({ performer: t.performer, habit: t.habit, segments: v.segments }, { ...v.shot, width: 96, height: 72 });
  const a = Uint8Array.from(mk().frame(3.3, 7, new Uint8Array(96 * 72 * 3)));
  const b = Uint8Array.from(mk().frame(3.3, 7, new Uint8Array(96 * 72 * 3)));
  const c = Uint8Array.from(mk().frame(3.3, 8, new Uint8Array(96 * 72 * 3)));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

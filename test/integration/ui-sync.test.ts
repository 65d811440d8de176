// The page's player synchronisation logic (ui/lib/sync.js), run in Node: trainee time -> gold time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error plain browser ES module without type declarations
import { buildSyncMap, buildTimeMap, deviationTargets, missingSlot } from '../../ui/lib/sync.js';

type Clip = { start_sec: number; end_sec: number };
/** Clips of `len` seconds every `stride` seconds (overlapping when stride < len). */
const clips = (n: number, len = 1, stride = 0.5): Clip[] => Array.from({ length: n }, (_, i) => ({ start_sec: i * stride, end_sec: i * stride + len }));
const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

test('identical videos map each time to itself', () => {
  const c = clips(10);
  const path = c.map((_, i) => [i, i]);
  const m = buildTimeMap(path, c, c);
  for (const t of [0.5, 1, 1.7, 3.2, 5]) close(m.toGold(t), t);
  close(m.rate(2), 1);
});

test('a trainee twice as slow maps to half the gold time, rate 0.5', () => {
  const g = clips(10);
  const t = clips(20);
  // Each gold clip is matched by two trainee clips.
  const path = t.map((_, j) => [Math.floor(j / 2), j]);
  const m = buildTimeMap(path, g, t);
  // trainee centre of clip 9 (4.5+0.5=5.0) ~ gold centres mean of clip 4 (2.5)
  close(m.toGold(5), 2.5);
  close(m.rate(5), 0.5, 1e-9);
  // monotone
  let prev = -Infinity;
  for (let s = 0; s <= 10; s += 0.1) {
    const v = m.toGold(s);
    assert.ok(v >= prev - 1e-12);
    prev = v;
  }
});

test('a trainee clip matched to several gold clips maps to their mean; a pause holds gold still', () => {
  const g = clips(6);
  const t = clips(6);
  // trainee clip 1 covers gold clips 1..3 (trainee fast there); trainee clips 3..5 all sit on gold clip 5 (trainee lingers)
  const path = [[0, 0], [1, 1], [2, 1], [3, 1], [4, 2], [5, 3], [5, 4], [5, 5]];
  const m = buildTimeMap(path, g, t);
  close(m.toGold(1.0), 1.5); // centre of trainee clip 1 -> mean of gold centres 1.0,1.5,2.0
  close(m.toGold(2.5), 3.0); // trainee clip 4 centre -> gold clip 5 centre
  close(m.toGold(3.0), 3.0);
  assert.equal(m.rate(2.5, 0.5), 0.25, 'gold holds still: clamped to the slowest playback rate');
  assert.ok(m.rate(0.75, 0.25) > 1.5, 'trainee fast here: gold plays faster');
});

test('outside the path the map continues at real speed and never goes below 0', () => {
  const g = clips(4);
  const t = clips(4);
  const m = buildTimeMap([[1, 0], [2, 1], [3, 2]], g, t);
  close(m.toGold(0.5), 1.0); // first knot: trainee 0.5 -> gold 1.0
  close(m.toGold(0.2), 0.7);
  close(m.toGold(3.0), 3.5); // after the last knot (trainee 1.5 -> gold 2.0): +1.5
  const early = buildTimeMap([[0, 3]], g, t);
  assert.equal(early.toGold(0), 0);
});

test('empty or inconsistent input degrades to identity', () => {
  const m = buildTimeMap([], [], []);
  assert.equal(m.toGold(3.3), 3.3);
  assert.equal(m.rate(1), 1);
  const bad = buildTimeMap([[99, 0], [0, 99]], clips(2), clips(2));
  assert.deepEqual(bad.knots, []);
});

test('deviation targets: gold step and trainee range starts, null where absent', () => {
  assert.deepEqual(deviationTargets({ gold_step: { start_sec: 4 }, trainee: { start_sec: 9 } }), { gold: 4, trainee: 9 });
  assert.deepEqual(deviationTargets({ gold_step: { start_sec: 4 }, trainee: null }), { gold: 4, trainee: null });
  assert.deepEqual(deviationTargets({ gold_step: null, other_step: { start_sec: 2 }, trainee: { start_sec: 0 } }), { gold: 2, trainee: 0 });
});

// --- step by step, both ways (buildSyncMap): each gold step plays against its own match

const r = (a: number, b: number) => ({ start_sec: a, end_sec: b });
/** Gold steps 0-2 at [0,4) [4,8) [8,12); the trainee did step 1 before step 0, and left out 2 at first. */
const swapped = {
  steps: [
    { index: 0, name: 'a', gold: r(0, 4), trainee: r(5, 9) },
    { index: 1, name: 'b', gold: r(4, 8), trainee: r(0, 5) },
    { index: 2, name: 'c', gold: r(8, 12), trainee: r(9, 11) },
  ],
  path: [],
  gold_clips: [],
  trainee_clips: [],
};

test('a swapped step maps into its own gold span, both ways, at its own pace', () => {
  const m = buildSyncMap(swapped);
  // Trainee 2.5 s is the middle of step b (done first): gold is the middle of b, not of a.
  close(m.toGold(2.5), 6);
  close(m.toGold(7), 2);
  close(m.toTrainee(6), 2.5);
  close(m.toTrainee(2), 7);
  // b: 4 s of gold in 5 s of trainee.
  close(m.rate('trainee', 2.5), 0.8);
  close(m.rate('gold', 6), 1.25);
  // The same times through the monotone DTW path could never go backwards like this.
  assert.ok(m.toGold(7) < m.toGold(2.5));
});

test('a missing step has no trainee time; its slot is between its found neighbours', () => {
  const missing = { ...swapped, steps: [swapped.steps[0], { index: 1, name: 'b', gold: r(4, 8), trainee: null }, { index: 2, name: 'c', gold: r(8, 12), trainee: r(6, 9) }] };
  missing.steps[0] = { index: 0, name: 'a', gold: r(0, 4), trainee: r(0, 5) };
  const m = buildSyncMap(missing);
  assert.equal(m.toTrainee(5), null);
  assert.deepEqual(m.missingAt(5).slot, r(5, 6));
  assert.equal(m.missingAt(5).step.name, 'b');
  assert.equal(m.missingAt(2), null);
  assert.deepEqual(missingSlot(missing.steps, 1), r(5, 6));
  // Left out at the start: the slot is where the first found step begins.
  assert.deepEqual(missingSlot([{ index: 0, gold: r(0, 1), trainee: null }, { index: 1, gold: r(1, 2), trainee: r(3, 4) }], 0), r(3, 3));
  assert.equal(missingSlot([{ index: 0, gold: r(0, 1), trainee: null }], 0), null);
});

test('between steps the DTW path decides, and gold -> trainee inverts it', () => {
  const c = clips(10);
  const m = buildSyncMap({ steps: [], path: c.map((_: Clip, i: number) => [i, i]), gold_clips: c, trainee_clips: c });
  for (const t of [0.5, 1.7, 3.2]) {
    close(m.toGold(t), t);
    close(m.toTrainee(t), t);
  }
});

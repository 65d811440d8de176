import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepsFromTimes } from '../../shared/steps/from-times.js';

// 2 s clips every 1 s (stride < clip length): consecutive clips overlap by 1 s.
const times = { start_sec: Array.from({ length: 10 }, (_, i) => i), end_sec: Array.from({ length: 10 }, (_, i) => i + 2) };

test('stored steps tile the video without overlap and save back unchanged', () => {
  const saved = stepsFromTimes([{ name: 'a', start_sec: 0, end_sec: 3 }, { name: 'b', start_sec: 3, end_sec: 6.5 }, { name: 'c', start_sec: 6.5, end_sec: 11 }], times);
  // Step a is clips 0-1 (centres 1, 2 s), b clips 2-5, c clips 6-9: each clip owns the time
  // halfway to its neighbours' centres, so the steps meet and never overlap.
  assert.deepEqual(saved.map((s) => [s.start_sec, s.end_sec]), [[0, 2.5], [2.5, 6.5], [6.5, 11]]);
  const again = stepsFromTimes(saved, times);
  assert.deepEqual(again, saved, 'a round trip changes nothing');
});

test('steps overlapping by more than a clip, or out of order, are refused', () => {
  assert.throws(() => stepsFromTimes([{ name: 'a', start_sec: 0, end_sec: 5 }, { name: 'b', start_sec: 2.5, end_sec: 8 }], times), /step 2 \(b\) overlaps the previous step/);
  assert.throws(() => stepsFromTimes([{ name: 'a', start_sec: 5, end_sec: 8 }, { name: 'b', start_sec: 0, end_sec: 3 }], times), /out of order/);
  assert.throws(() => stepsFromTimes([{ name: 'a', start_sec: 0.1, end_sec: 0.2 }], times), /covers no clip/);
});

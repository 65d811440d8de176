import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClipAssembler, planClips } from '../../shared/media/clips.js';

test('planClips: 10 s at 4 fps, K=8, S=4 gives 9 exact clips', () => {
  const clips = planClips(40, 4, { clipFrames: 8, stride: 4 });
  const expected = [0, 4, 8, 12, 16, 20, 24, 28, 32].map((s, i) => ({
    index: i,
    start_frame: s,
    end_frame: s + 8,
    start_sec: s / 4,
    end_sec: (s + 8) / 4,
  }));
  assert.deepEqual(clips, expected);
  assert.equal(clips.at(-1)!.end_sec, 10);
});

test('planClips: tail rule (extra end-aligned clip only when the tail is >= S/2)', () => {
  // 42 frames: regular clips end at 40, tail 2 >= 2 -> extra [34, 42)
  const c42 = planClips(42, 4);
  assert.equal(c42.length, 10);
  assert.deepEqual(c42.at(-1), { index: 9, start_frame: 34, end_frame: 42, start_sec: 8.5, end_sec: 10.5 });
  // 41 frames: tail 1 < 2 -> no extra clip
  const c41 = planClips(41, 4);
  assert.equal(c41.length, 9);
  assert.equal(c41.at(-1)!.end_frame, 40);
  // 43 frames: tail 3 -> extra clip ends on the last frame
  assert.deepEqual(planClips(43, 4).at(-1)!.end_frame, 43);
});

test('planClips: short and empty videos', () => {
  assert.deepEqual(planClips(0, 4), []);
  assert.deepEqual(planClips(5, 4), [{ index: 0, start_frame: 0, end_frame: 5, start_sec: 0, end_sec: 1.25 }]);
  assert.deepEqual(planClips(8, 4).map((c) => [c.start_frame, c.end_frame]), [[0, 8]]);
  assert.deepEqual(planClips(1, 2, { clipFrames: 1, stride: 1 }).length, 1);
  assert.throws(() => planClips(10, 0));
  assert.throws(() => planClips(10, 4, { clipFrames: 0 }));
  assert.throws(() => planClips(-1, 4));
});

test('planClips: every clip has K frames (except the short-video clip), every frame near a clip', () => {
  for (const [K, S] of [[8, 4], [16, 8], [5, 3], [4, 4], [8, 1]] as const) {
    for (let n = 1; n < 80; n++) {
      const clips = planClips(n, 10, { clipFrames: K, stride: S });
      assert.ok(clips.length > 0);
      clips.forEach((c, i) => {
        assert.equal(c.index, i);
        assert.equal(c.end_frame - c.start_frame, n < K ? n : K);
        assert.ok(c.start_frame >= 0 && c.end_frame <= n);
      });
      const lastEnd = clips.at(-1)!.end_frame;
      assert.ok(n - lastEnd < Math.ceil(S / 2) || n - lastEnd === 0, `n=${n} K=${K} S=${S} uncovered tail ${n - lastEnd}`);
    }
  }
});

test('ClipAssembler yields the same clips as planClips, as soon as complete, holding <= K frames', () => {
  for (const [K, S] of [[8, 4], [5, 3], [4, 4], [8, 1], [3, 5]] as const) {
    for (let n = 0; n < 60; n++) {
      const asm = new ClipAssembler<{ i: number }>(4, { clipFrames: K, stride: S });
      const got: Array<{ start: number; end: number; frames: number[]; at: number }> = [];
      for (let i = 0; i < n; i++) {
        for (const c of asm.push({ i })) got.push({ start: c.clip.start_frame, end: c.clip.end_frame, frames: c.frames.map((f) => f.i), at: i });
        assert.ok(asm.buffered <= K);
      }
      for (const c of asm.finish()) got.push({ start: c.clip.start_frame, end: c.clip.end_frame, frames: c.frames.map((f) => f.i), at: n });
      const plan = planClips(n, 4, { clipFrames: K, stride: S });
      assert.deepEqual(got.map((g) => [g.start, g.end]), plan.map((c) => [c.start_frame, c.end_frame]), `n=${n} K=${K} S=${S}`);
      for (const g of got) {
        assert.deepEqual(g.frames, Array.from({ length: g.end - g.start }, (_, j) => g.start + j));
        // regular clips come out on their last frame
        if (g.at < n) assert.equal(g.at, g.end - 1);
      }
    }
  }
});

test('ClipAssembler shares frame objects between overlapping clips and rejects push after finish', () => {
  const asm = new ClipAssembler<object>(2, { clipFrames: 4, stride: 2 });
  const frames = Array.from({ length: 6 }, () => ({}));
  const clips = frames.flatMap((f) => asm.push(f));
  assert.equal(clips.length, 2);
  assert.equal(clips[0].frames[2], clips[1].frames[0]);
  assert.equal(clips[1].clip.start_sec, 1);
  asm.finish();
  assert.throws(() => asm.push({}));
});

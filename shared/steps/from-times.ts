import type { ClipTimes } from '../scoring/types.js';
import { clipSpan } from '../scoring/clip-span.js';
import type { GoldStep } from '../scoring/types.js';

/**
 * Maps admin-given step time ranges onto clips: a clip belongs to the step that contains its
 * centre (the earlier step's when two do). Steps must be in order and each must cover at least
 * one clip. A step may start up to one clip length before the previous one ends: stored steps span
 * whole clips and clips overlap (stride < clip length), so the bounds GET /gold/:id/steps returns
 * overlap by that much and must save back unchanged.
 */
export function stepsFromTimes(input: Array<{ name: string; start_sec: number; end_sec: number }>, times: ClipTimes): GoldStep[] {
  const n = times.start_sec.length;
  if (!n) throw new Error('the video has no clips');
  const centres = Array.from({ length: n }, (_, i) => (times.start_sec[i] + times.end_sec[i]) / 2);
  const out: GoldStep[] = [];
  const clipSec = times.end_sec[0] - times.start_sec[0];
  let prevEnd = -Infinity;
  let prevEndClip = 0;
  input.forEach((s, k) => {
    if (s.end_sec <= s.start_sec) throw new Error(`step ${k + 1} (${s.name}): end_sec must be after start_sec`);
    if (s.start_sec < prevEnd - clipSec - 1e-9) throw new Error(`step ${k + 1} (${s.name}) overlaps the previous step or is out of order`);
    prevEnd = s.end_sec;
    const clips = centres.map((c, i) => (i >= prevEndClip && c >= s.start_sec && c < s.end_sec ? i : -1)).filter((i) => i >= 0);
    if (!clips.length) throw new Error(`step ${k + 1} (${s.name}) covers no clip (clips are ${clipSec.toFixed(2)} s long)`);
    prevEndClip = clips[clips.length - 1] + 1;
    const a = clips[0];
    const b = clips[clips.length - 1] + 1;
    out.push({ index: k, name: s.name, start_clip: a, end_clip: b, ...clipSpan(times, a, b - 1) });
  });
  return out;
}

import type { ClipTimes } from '../scoring/types.js';
import type { GoldStep } from '../scoring/types.js';

/**
 * Maps admin-given step time ranges onto clips: a clip belongs to the step that contains its
 * centre. Steps must be in order, not overlap, and each must cover at least one clip.
 */
export function stepsFromTimes(input: Array<{ name: string; start_sec: number; end_sec: number }>, times: ClipTimes): GoldStep[] {
  const n = times.start_sec.length;
  if (!n) throw new Error('the video has no clips');
  const centres = Array.from({ length: n }, (_, i) => (times.start_sec[i] + times.end_sec[i]) / 2);
  const out: GoldStep[] = [];
  let prevEnd = -Infinity;
  input.forEach((s, k) => {
    if (s.end_sec <= s.start_sec) throw new Error(`step ${k + 1} (${s.name}): end_sec must be after start_sec`);
    if (s.start_sec < prevEnd - 1e-9) throw new Error(`step ${k + 1} (${s.name}) overlaps the previous step or is out of order`);
    prevEnd = s.end_sec;
    const clips = centres.map((c, i) => (c >= s.start_sec && c < s.end_sec ? i : -1)).filter((i) => i >= 0);
    if (!clips.length) throw new Error(`step ${k + 1} (${s.name}) covers no clip (clips are ${(times.end_sec[0] - times.start_sec[0]).toFixed(2)} s long)`);
    const a = clips[0];
    const b = clips[clips.length - 1] + 1;
    out.push({ index: k, name: s.name, start_clip: a, end_clip: b, start_sec: times.start_sec[a], end_sec: times.end_sec[b - 1] });
  });
  return out;
}

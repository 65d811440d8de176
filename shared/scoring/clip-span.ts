// The seconds a run of clips stands for. Clips overlap (a 2 s clip every 1 s), so "first clip's
// start to last clip's end" would make neighbouring steps overlap by a clip's overlap and every
// duration one overlap too long. Instead each clip owns the time around its centre, halfway to
// its neighbours' centres: runs of clips tile the video without overlap, and a step's duration
// is its clip count times the stride. The first and last clip keep the video's outer edges.
import type { ClipTimes, TimeRange } from './types.js';

const centre = (t: ClipTimes, i: number) => (t.start_sec[i] + t.end_sec[i]) / 2;

/** Clips first..last (inclusive) as seconds. */
export function clipSpan(t: ClipTimes, first: number, last: number): TimeRange {
  const n = t.start_sec.length;
  const start = first <= 0 ? t.start_sec[0] : (centre(t, first - 1) + centre(t, first)) / 2;
  const end = last >= n - 1 ? t.end_sec[n - 1] : (centre(t, last) + centre(t, last + 1)) / 2;
  return { start_sec: round(start), end_sec: round(end) };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

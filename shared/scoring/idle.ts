/**
 * Idle footage at the very start or end of a trainee video: the camera was started before the
 * work began or stopped after it ended, and the picture does not change. Growing the first and
 * last steps over it would make them look slow (over_time) for time nobody worked. An idle clip
 * is one almost identical to its neighbour: cosine >= `minSimilarity` and strictly above the
 * `percentile` of the gold's own consecutive-clip cosines (so a gold that moves slowly everywhere
 * raises the bar, footage that moves like the gold is never idle, and where the gold itself is
 * mostly still nothing is).
 */
import type { Matrix } from '../alignment/types.js';

/** cos(x_i, x_{i+1}) for the unit rows of a matrix, computed on demand (only the edge clips are asked for). */
export function consecutiveSimilarity(x: Matrix): (i: number) => number {
  const d = x.dim;
  return rowSimilarity((j) => x.data.subarray(j * d, (j + 1) * d));
}

/** An idle clip's neighbour cosine is >= min and strictly above gold (a gold full of stills: nothing is idle). */
export interface IdleLimit {
  min: number;
  gold: number;
}

/** goldConsecutive: the gold's cos(row i, row i+1) for every consecutive pair. */
export function idleLimit(goldConsecutive: number[], minSimilarity: number, percentile: number): IdleLimit {
  const c = [...goldConsecutive].sort((a, b) => a - b);
  const p = c.length ? c[Math.min(c.length - 1, Math.floor(percentile * c.length))] : -Infinity;
  return { min: minSimilarity, gold: p };
}

const idle = (s: number, l: IdleLimit) => s >= l.min && s > l.gold;

/**
 * Clips to drop from the outer edge of a segment: from its start (lead-in) or its end (tail),
 * while each clip is idle against the next one inwards. Always leaves at least one clip.
 */
export function idleRun(sim: (i: number) => number, seg: { start: number; end: number }, side: 'start' | 'end', limit: IdleLimit): number {
  let n = 0;
  if (side === 'start') {
    for (let j = seg.start; j < seg.end && idle(sim(j), limit); j++) n++;
  } else {
    for (let j = seg.end; j > seg.start && idle(sim(j - 1), limit); j--) n++;
  }
  return n;
}

/** cos(row i, row i+1) from a row getter (rows unit or zero). */
export function rowSimilarity(row: (j: number) => ArrayLike<number>): (i: number) => number {
  return (i) => {
    const a = row(i);
    const b = row(i + 1);
    let s = 0;
    for (let k = 0; k < a.length; k++) s += a[k] * b[k];
    return s;
  };
}

/**
 * Trims idle clips off the outer edge of the earliest and the latest matched segment (in place)
 * and returns the seconds trimmed per step index (into `steps`).
 */
export function trimIdleEdges(
  steps: Array<{ segment: { start: number; end: number } | null }>,
  sim: (i: number) => number,
  limit: IdleLimit,
  times: { start_sec: ArrayLike<number>; end_sec: ArrayLike<number> },
): Map<number, number> {
  const idleSec = new Map<number, number>();
  const found = steps.flatMap((s, k) => (s.segment ? [{ k, seg: s.segment }] : []));
  if (!found.length) return idleSec;
  const first = found.reduce((a, b) => (b.seg.start < a.seg.start ? b : a));
  const last = found.reduce((a, b) => (b.seg.end > a.seg.end ? b : a));
  const lead = idleRun(sim, first.seg, 'start', limit);
  if (lead > 0) {
    idleSec.set(first.k, times.start_sec[first.seg.start + lead] - times.start_sec[first.seg.start]);
    steps[first.k].segment = { start: first.seg.start + lead, end: first.seg.end };
  }
  const lastSeg = steps[last.k].segment!;
  const tail = idleRun(sim, lastSeg, 'end', limit);
  if (tail > 0) {
    idleSec.set(last.k, (idleSec.get(last.k) ?? 0) + times.end_sec[lastSeg.end] - times.end_sec[lastSeg.end - tail]);
    steps[last.k].segment = { start: lastSeg.start, end: lastSeg.end - tail };
  }
  return idleSec;
}

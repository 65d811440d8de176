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

/** cos(x_i, x_{i+1}) for unit rows, computed on demand (only the clips at the edges are asked for). */
export function consecutiveSimilarity(x: Matrix): (i: number) => number {
  const { dim: d, data } = x;
  return (i: number) => {
    let s = 0;
    const a = i * d;
    const b = a + d;
    for (let k = 0; k < d; k++) s += data[a + k] * data[b + k];
    return s;
  };
}

/** An idle clip's neighbour cosine is >= min and strictly above gold (a gold full of stills: nothing is idle). */
export interface IdleLimit {
  min: number;
  gold: number;
}

/** goldConsecutive: the gold's cos(clip i, clip i+1) (GoldProfile.consecutive). */
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

// Trainee time -> gold time through the DTW path, for playing the two videos in step.
// Pure functions (no DOM), so they are tested in Node too.

const centre = (c) => (c.start_sec + c.end_sec) / 2;

/**
 * Builds a monotone piecewise-linear map from trainee seconds to gold seconds.
 * Each trainee clip on the path contributes one knot: (its centre, the mean centre of the gold
 * clips it was matched to). Clips overlap when the stride is shorter than the clip, so centres
 * (not starts) keep the knots evenly placed.
 *
 * @param {Array<[number, number]>} path DTW path as [gold_clip, trainee_clip] pairs, monotone
 * @param {Array<{start_sec: number, end_sec: number}>} goldClips
 * @param {Array<{start_sec: number, end_sec: number}>} traineeClips
 * @returns {{ knots: Array<[number, number]>, toGold: (t: number) => number, rate: (t: number, windowSec?: number) => number }}
 */
export function buildTimeMap(path, goldClips, traineeClips) {
  const byTrainee = new Map();
  for (const pair of path || []) {
    const [g, t] = pair;
    const gc = goldClips?.[g];
    const tc = traineeClips?.[t];
    if (!gc || !tc) continue;
    const e = byTrainee.get(t) || { tc: centre(tc), sum: 0, n: 0 };
    e.sum += centre(gc);
    e.n += 1;
    byTrainee.set(t, e);
  }
  const knots = [...byTrainee.values()].map((e) => [e.tc, e.sum / e.n]).sort((a, b) => a[0] - b[0]);
  // Keep gold times non-decreasing even if the input path was not quite monotone.
  for (let i = 1; i < knots.length; i++) if (knots[i][1] < knots[i - 1][1]) knots[i][1] = knots[i - 1][1];

  /** Index of the last knot at or before t (-1 when t is before the first). */
  function segment(t) {
    let lo = 0;
    let hi = knots.length - 1;
    if (!knots.length || t < knots[0][0]) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (knots[mid][0] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  function toGold(t) {
    if (!knots.length) return t;
    const i = segment(t);
    if (i < 0) return Math.max(0, knots[0][1] - (knots[0][0] - t));
    if (i === knots.length - 1) return knots[i][1] + (t - knots[i][0]);
    const [t0, g0] = knots[i];
    const [t1, g1] = knots[i + 1];
    return t1 === t0 ? g0 : g0 + ((t - t0) / (t1 - t0)) * (g1 - g0);
  }

  /**
   * Gold seconds per trainee second around t (averaged over ±windowSec, since the path is a
   * staircase clip by clip), clamped to what a <video> plays well.
   */
  function rate(t, windowSec = 1) {
    if (knots.length < 2) return 1;
    const a = Math.max(0, t - windowSec);
    const b = t + windowSec;
    const r = (toGold(b) - toGold(a)) / (b - a);
    return Math.min(4, Math.max(0.25, r));
  }

  return { knots, toGold, rate };
}

/**
 * Where a deviation should put the two players: the start of its gold step and of the
 * trainee's range (either may be absent, e.g. a missing step has no trainee range).
 */
export function deviationTargets(dev) {
  const gold = dev?.gold_step?.start_sec ?? dev?.other_step?.start_sec ?? null;
  const trainee = dev?.trainee?.start_sec ?? null;
  return { gold, trainee };
}

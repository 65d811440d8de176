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

const RATE_MIN = 0.25;
const RATE_MAX = 4;
const clampRate = (r) => Math.min(RATE_MAX, Math.max(RATE_MIN, r));
const inside = (r, t) => !!r && t >= r.start_sec && t < r.end_sec;
const lerp = (from, to, t) => {
  const d = from.end_sec - from.start_sec;
  return d > 0 ? to.start_sec + ((t - from.start_sec) / d) * (to.end_sec - to.start_sec) : to.start_sec;
};

/**
 * Where a step the trainee left out should have been in the trainee video: from the end of the
 * last step before it (in gold order) that was found to the start of the next one found after
 * it (an empty range when those touch). null when no step at all was found.
 * @param {Array<{index: number, gold: object, trainee: object|null}>} steps
 * @param {number} index position in steps of the missing step
 */
export function missingSlot(steps, index) {
  const before = steps.slice(0, index).reverse().find((s) => s.trainee);
  const after = steps.slice(index + 1).find((s) => s.trainee);
  if (!before && !after) return null;
  const start = before ? before.trainee.end_sec : after.trainee.start_sec;
  const end = after ? Math.max(start, after.trainee.start_sec) : start;
  return { start_sec: start, end_sec: end };
}

/**
 * Both-way time map for the two players, step by step: inside a step's matched trainee span a
 * trainee time maps linearly into that step's own gold span (so a swapped step plays against
 * its own gold, not the monotone DTW path's neighbour), and back. Between steps the DTW path
 * decides. A gold time inside a step the trainee left out has no trainee time: toTrainee gives
 * null and missingAt names the step and its slot.
 * @param {object} result GET /score/:id answer (steps, path, gold_clips, trainee_clips)
 */
export function buildSyncMap(result) {
  const steps = (result.steps || []).filter((s) => s && s.gold);
  const dtw = buildTimeMap(result.path, result.gold_clips, result.trainee_clips);
  // Inverse of the monotone DTW map: gold time -> first trainee time reaching it.
  const inv = dtw.knots.map(([t, g]) => [g, t]);
  function dtwToTrainee(g) {
    if (!inv.length) return g;
    if (g <= inv[0][0]) return Math.max(0, inv[0][1] - (inv[0][0] - g));
    for (let i = 1; i < inv.length; i++) {
      const [g0, t0] = inv[i - 1];
      const [g1, t1] = inv[i];
      if (g <= g1) return g1 === g0 ? t0 : t0 + ((g - g0) / (g1 - g0)) * (t1 - t0);
    }
    const [gl, tl] = inv[inv.length - 1];
    return tl + (g - gl);
  }

  const byTrainee = (t) => steps.find((s) => inside(s.trainee, t)) || null;
  const byGold = (g) => steps.find((s) => inside(s.gold, g)) || null;

  return {
    /** The step whose trainee span holds t (null between steps). */
    stepAtTrainee: byTrainee,
    stepAtGold: byGold,
    toGold(t) {
      const s = byTrainee(t);
      return s ? lerp(s.trainee, s.gold, t) : dtw.toGold(t);
    },
    /** null when g lies in a step the trainee left out. */
    toTrainee(g) {
      const s = byGold(g);
      if (s && !s.trainee) return null;
      return s ? lerp(s.gold, s.trainee, g) : dtwToTrainee(g);
    },
    /** The missing step at gold time g with its slot in the trainee, or null. */
    missingAt(g) {
      const i = steps.findIndex((s) => inside(s.gold, g));
      if (i < 0 || steps[i].trainee) return null;
      return { step: steps[i], slot: missingSlot(steps, i) };
    },
    /** Follower seconds per driver second at the driver's time (gold per trainee when the trainee drives). */
    rate(driver, t) {
      const s = driver === 'trainee' ? byTrainee(t) : byGold(t);
      if (s && s.trainee) {
        const gd = s.gold.end_sec - s.gold.start_sec;
        const td = s.trainee.end_sec - s.trainee.start_sec;
        if (gd > 0 && td > 0) return clampRate(driver === 'trainee' ? gd / td : td / gd);
      }
      const r = dtw.rate(driver === 'trainee' ? t : dtwToTrainee(t));
      return driver === 'trainee' ? r : clampRate(1 / r);
    },
  };
}

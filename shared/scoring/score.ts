/**
 * The explainable scoring engine: gold vs trainee clip embeddings -> 0-100 score, typed
 * deviations with time ranges and evidence, a per-step table and the alignment path.
 * Method (docs/scoring.md has the reasoning):
 * 1. One cosine cost matrix gold x trainee; a global DTW path on it (for the score and path).
 * 2. Per gold step, its own best subsequence alignment in the whole trainee (a row slice of the
 *    same matrix): where the trainee really did the step, and how well (quality q, see options.ts).
 * 3. q too low -> missing; low -> step deviation. Matched segments are grown over clips that still
 *    show the step (slow steps); their duration vs gold -> over time. A second, separate good match
 *    -> rework. The order of the matched segments vs gold order -> swaps.
 * 4. Score = alignment quality mapped to 0..100, minus a fixed penalty per deviation and severity.
 */
import type { Matrix } from '../alignment/types.js';
import type { ClipTimes, Deviation, GoldStep, ScoreOutcome, Severity, StepRow, TimeRange } from './types.js';
import { REFERENCE_BACKEND, type ScoringBackend } from './backend.js';
import { checkSteps, goldProfile, median, type GoldProfile } from './gold-profile.js';
import { resolveScoringOptions, type ScoringOptions } from './options.js';
import { findSwaps } from './order.js';
import { centerRows, rowMean } from './center.js';
import { compensateView } from './view-offset.js';
import { clipSpan } from './clip-span.js';
import { scoreVisits } from './score-visits.js';
import { deviationSeverity, overTimeFinding, stepRef as ref, swapFinding, verdict } from './findings.js';
import { consecutiveSimilarity, idleLimit, rowSimilarity, trimIdleEdges } from './idle.js';
import { columnQualities, extendMatch, growIntoGaps, matchStep, quality, type StepMatch, type StepScale } from './step-matches.js';

export interface ScoreInput {
  gold: Matrix;
  goldTimes: ClipTimes;
  goldSteps: GoldStep[];
  trainee: Matrix;
  traineeTimes: ClipTimes;
  /** DTW primitives (default: the TypeScript reference). Pass the native ones for speed. */
  backend?: ScoringBackend;
  /**
   * Precomputed profile (it depends on the gold only): scoringGoldProfile(gold, goldSteps, backend,
   * options) with the same options.
   */
  goldProfile?: GoldProfile;
}

interface Segment {
  start: number;
  end: number;
}

interface StepState {
  step: GoldStep;
  scale: StepScale;
  match: StepMatch;
  q: number;
  present: boolean;
  segment: Segment | null;
  extra: { segment: Segment; similarity: number; q: number; match: StepMatch } | null;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function scoreAlignment(input: ScoreInput, options: Partial<ScoringOptions> = {}): ScoreOutcome {
  const o = resolveScoringOptions(options);
  const backend = input.backend ?? REFERENCE_BACKEND;
  const { goldSteps: steps } = input;
  const n = input.gold.rows;
  const m = input.trainee.rows;
  if (n <= 0 || m <= 0) throw new RangeError(`scoring: empty input (gold ${n} clips, trainee ${m} clips)`);
  if (input.traineeTimes.start_sec.length < m || input.traineeTimes.end_sec.length < m) {
    throw new RangeError(`scoring: trainee has ${m} clips but fewer clip times`);
  }
  checkSteps(steps, n);
  // Cosines on gold-mean-centred vectors (see center.ts); a precomputed goldProfile must match.
  let gold = input.gold;
  let trainee = input.trainee;
  let profile = input.goldProfile;
  if (o.centerOnGold && !o.preCentered) {
    const mean = rowMean(input.gold);
    gold = centerRows(input.gold, mean);
    trainee = centerRows(input.trainee, mean);
  }
  if (o.method === 'visits') return scoreVisits({ gold, trainee, goldSteps: steps, traineeTimes: input.traineeTimes, backend }, o);
  profile ??= goldProfile(gold, steps, backend, o.defaultFloor);
  if (profile.steps.length !== steps.length) throw new RangeError('scoring: goldProfile does not match goldSteps');

  let cost = backend.costMatrix(gold, trainee);
  let global = backend.dtwFromCost(cost, n, m, { variant: o.globalVariant, band: o.band });

  // 2. Per-step best matches and their quality, calibrated to this trainee's median.
  const K = steps.length;
  // On centred vectors, content unrelated to the gold has cosine ~0 with every gold clip: the
  // floor never goes below that, so "no better than unrelated content" keeps meaning q <= 0.
  const minFloor = o.centerOnGold ? 0 : -Infinity;
  const floors = profile.steps.map((p) => Math.max(p.floor, minFloor));
  const scales: StepScale[] = profile.steps.map((p, k) => ({ floor: floors[k], den: Math.max(p.baseline - floors[k], o.minContrast) }));
  const stepQualities = (c: Float32Array) => {
    const ms = steps.map((s) => matchStep(c, m, s, backend.dtwFromCost) as StepMatch);
    const q = ms.map((mt, k) => quality(mt.similarity, scales[k]));
    return { matches: ms, medQ: median(q) };
  };
  let { matches, medQ } = stepQualities(cost);
  // View compensation (view-offset.ts): only for a trainee that clearly shows the procedure, and
  // kept only when it makes the steps match better.
  const view = { median_quality_before: medQ, offset_norm: 0, applied: 0 };
  // Trainee clip j as idle detection sees it (the view-shifted row once compensation is kept).
  let traineeRow: ((j: number) => ArrayLike<number>) | null = null;
  if (o.viewCompensationIterations > 0 && medQ >= o.medianFloor && medQ < o.viewCompensationBelow) {
    const comp = compensateView({ gold, trainee, cost, path: global.path }, backend, {
      iterations: o.viewCompensationIterations,
      keepFraction: o.viewKeepFraction,
      minOffset: o.viewMinOffset,
      variant: o.globalVariant,
      band: o.band,
    });
    view.offset_norm = comp.offsetNorm;
    if (comp.rows) {
      const after = stepQualities(comp.cost);
      if (after.medQ > medQ) {
        cost = comp.cost;
        global = comp.global!;
        ({ matches, medQ } = after);
        view.applied = 1;
        const rows = comp.rows;
        traineeRow = (j) => rows.row(j);
      }
    }
  }
  const calibration = o.calibrateToMedian && medQ >= o.medianFloor ? Math.min(1, medQ) : 1;
  for (const sc of scales) sc.den *= calibration;
  const st: StepState[] = steps.map((step, k) => {
    const q = quality(matches[k].similarity, scales[k]);
    return { step, scale: scales[k], match: matches[k], q, present: q >= o.missingQuality, segment: null, extra: null };
  });

  const tt = input.traineeTimes;
  const spanSec = (a: number, b: number) => {
    const r = clipSpan(tt, a, b);
    return r.end_sec - r.start_sec;
  };
  // 3a. Grow present matches over the clips that still show the step.
  const { bestStep, colQ } = columnQualities(cost, n, m, steps, scales);
  const claimedBy = (except: number, segs: Array<Segment | null>): Uint8Array => {
    const b = new Uint8Array(m);
    segs.forEach((s, k) => {
      if (s && k !== except) b.fill(1, s.start, s.end + 1);
    });
    return b;
  };
  const raw = st.map((s) => (s.present ? { start: s.match.start, end: s.match.end } : null));
  const grown = growIntoGaps(colQ, m, raw, o.extendQuality);
  for (let k = 0; k < K; k++) st[k].segment = grown[k];
  // 3a'. Idle lead-in / tail (idle.ts) is no step's time: trim it off the first and last segments.
  const idleSec =
    o.idleSimilarity < 1
      ? trimIdleEdges(
          st,
          traineeRow ? rowSimilarity(traineeRow) : consecutiveSimilarity(trainee),
          idleLimit(profile.consecutive, o.idleSimilarity, o.idleGoldPercentile),
          tt,
        )
      : new Map<number, number>();
  // 3b. Rework: a second good match outside the step's own segment and not inside another step's.
  const segs = st.map((s) => s.segment);
  for (let k = 0; k < K; k++) {
    const s = st[k];
    if (!s.present || !s.segment) continue;
    const second = matchStep(cost, m, s.step, backend.dtwFromCost, { from: s.segment.start, to: s.segment.end });
    if (!second) continue;
    const q2 = quality(second.similarity, s.scale);
    const len = s.step.end_clip - s.step.start_clip;
    if (q2 < o.reworkQuality || second.end - second.start + 1 < Math.ceil(o.reworkMinCoverage * len)) continue;
    const blocked = claimedBy(k, segs);
    blocked.fill(1, s.segment.start, s.segment.end + 1);
    const seg2 = extendMatch(cost, m, k, s.step, s.scale, bestStep, o.extendQuality, second, blocked);
    let overlap = 0;
    for (let j = seg2.start; j <= seg2.end; j++) overlap += blocked[j];
    if (overlap > o.reworkMaxOverlap * (seg2.end - seg2.start + 1)) continue;
    s.extra = { segment: seg2, similarity: second.similarity, q: q2, match: second };
  }
  // Which visit is "the" step: the one that fits the gold order of the other steps best (fewest
  // inversions), then the one the global, gold-ordered path puts it nearest to.
  const pathCenter = stepPathCenters(global.path, steps);
  const mid = (x: Segment) => (x.start + x.end) / 2;
  for (let k = 0; k < K; k++) {
    const s = st[k];
    if (!s.extra || !s.segment) continue;
    const inversions = (x: Segment) => {
      let c = 0;
      for (let t = 0; t < K; t++) {
        const y = st[t].segment;
        if (t === k || !st[t].present || !y) continue;
        if (t < k !== mid(y) < mid(x)) c++;
      }
      return c;
    };
    const a = inversions(s.segment);
    const b = inversions(s.extra.segment);
    const c = pathCenter[k];
    const closer = !Number.isNaN(c) && Math.abs(mid(s.extra.segment) - c) < Math.abs(mid(s.segment) - c);
    if (b < a || (b === a && closer)) {
      const old = { segment: s.segment, similarity: s.match.similarity, q: s.q, match: s.match };
      s.segment = s.extra.segment;
      s.match = s.extra.match;
      s.q = s.extra.q;
      s.extra = old;
    }
  }

  // 3b'. Steps not found, but with a slot for them: the found steps on both sides of a run of
  // not-found steps are in gold order and the trainee spent time between them that no other step
  // claims. Those steps were done differently, not left out (left-out steps leave their
  // neighbours back to back). A run, because one step done differently may span several detected
  // steps when detection split it.
  const slots = new Map<number, Segment>();
  for (let k = 1; k < K - 1; k++) {
    if (st[k].present || !st[k - 1].present || !st[k - 1].segment) continue;
    let e = k;
    while (e + 1 < K && !st[e + 1].present) e++;
    if (e + 1 >= K || !st[e + 1].segment) {
      k = e;
      continue;
    }
    const prev = st[k - 1].segment!;
    const next = st[e + 1].segment!;
    const claimed = new Uint8Array(m);
    st.forEach((x, j) => {
      if (x.segment && (j < k || j > e)) claimed.fill(1, x.segment.start, x.segment.end + 1);
    });
    let a = prev.end + 1;
    let b = next.start - 1;
    while (a <= b && claimed[a]) a++;
    while (b >= a && claimed[b]) b--;
    if (a <= b) {
      const slotSec = spanSec(a, b);
      const goldSec = st[e].step.end_sec - st[k].step.start_sec;
      if (goldSec > 0 && slotSec >= o.deviationSlotRatio * goldSec) for (let j = k; j <= e; j++) slots.set(j, { start: a, end: b });
    }
    k = e;
  }

  // 3c. Order of the present steps' segments.
  const present = st.filter((s) => s.present && s.segment);
  const swaps = findSwaps(
    present.map((s) => ({ step: s.step.index, start: s.segment!.start, end: s.segment!.end })),
    o.swapMaxOverlap,
  );

  // Deviations.
  const range = (x: Segment): TimeRange => clipSpan(tt, x.start, x.end);
  const deviations: Deviation[] = [];
  const rows: StepRow[] = [];
  const byIndex = new Map(st.map((s) => [s.step.index, s]));
  for (const s of st) {
    const g = s.step;
    const base = profile.steps[st.indexOf(s)].baseline;
    const qEvidence = {
      match_similarity: r3(s.match.similarity),
      expected_similarity: r3(base),
      floor_similarity: r3(s.scale.floor),
      match_quality: r3(s.q),
      quality_calibration: r3(calibration),
    };
    const goldDur = g.end_sec - g.start_sec;
    const seg = s.segment;
    const tDur = seg ? spanSec(seg.start, seg.end) : null;
    const ratio = tDur !== null && goldDur > 0 ? tDur / goldDur : null;
    rows.push({
      index: g.index,
      name: g.name,
      gold: { start_sec: g.start_sec, end_sec: g.end_sec, start_clip: g.start_clip, end_clip: g.end_clip },
      trainee: seg ? { ...range(seg), start_clip: seg.start, end_clip: seg.end + 1 } : null,
      mean_similarity: seg ? r3(s.match.similarity) : null,
      match_quality: r3(s.q),
      duration_ratio: ratio === null ? null : r3(ratio),
    });
    const slot = slots.get(st.indexOf(s));
    if (!s.present && slot) {
      const slotSec = spanSec(slot.start, slot.end);
      deviations.push({
        type: 'step_deviation',
        severity: 'high',
        gold_step: ref(g),
        trainee: range(slot),
        evidence: {
          ...qEvidence,
          threshold_quality: o.missingQuality,
          slot_sec: r3(slotSec),
          gold_duration_sec: r3(goldDur),
          slot_ratio_threshold: o.deviationSlotRatio,
        },
        message: `${g.name} was done very differently from the gold: the trainee spent ${slotSec.toFixed(1)} s between the steps before and after it, but that footage matches the step only with quality ${s.q.toFixed(2)}.`,
      });
      rows[rows.length - 1].trainee = { ...range(slot), start_clip: slot.start, end_clip: slot.end + 1 };
      continue;
    }
    if (!s.present) {
      const severity: Severity = s.q < o.missingHighQuality ? 'high' : 'medium';
      deviations.push({
        type: 'missing_step',
        severity,
        gold_step: ref(g),
        trainee: null,
        evidence: {
          ...qEvidence,
          threshold_quality: o.missingQuality,
          high_severity_below: o.missingHighQuality,
          closest_trainee_range: [range(s.match).start_sec, range(s.match).end_sec],
        },
        message: `${g.name} was not found in the trainee video: its best match reaches quality ${s.q.toFixed(2)} (1 = as in the gold, 0 = unrelated content), below ${o.missingQuality}.`,
      });
      continue;
    }
    if (s.q < o.deviationQuality) {
      const severity = deviationSeverity(s.q, o);
      deviations.push({
        type: 'step_deviation',
        severity,
        gold_step: ref(g),
        trainee: range(seg!),
        evidence: { ...qEvidence, threshold_quality: o.deviationQuality, medium_below: o.deviationMediumQuality, high_below: o.deviationHighQuality },
        message: `${g.name} was done differently from the gold: match quality ${s.q.toFixed(2)} (similarity ${s.match.similarity.toFixed(3)} vs ${base.toFixed(3)} expected), below ${o.deviationQuality}.`,
      });
    }
    if (tDur !== null) {
      const ot = overTimeFinding(g, range(seg!), tDur, o, { idle_excluded_sec: r3(idleSec.get(st.indexOf(s)) ?? 0) });
      if (ot) deviations.push(ot);
    }
    if (s.extra) {
      const x = s.extra.segment;
      const extraDur = spanSec(x.start, x.end);
      const coverage = goldDur > 0 ? extraDur / goldDur : 1;
      const severity: Severity = coverage < 0.75 ? 'low' : coverage < 1.5 ? 'medium' : 'high';
      deviations.push({
        type: 'rework',
        severity,
        gold_step: ref(g),
        trainee: range(x),
        evidence: {
          first_visit: [range(seg!).start_sec, range(seg!).end_sec],
          extra_visit: [range(x).start_sec, range(x).end_sec],
          extra_visit_similarity: r3(s.extra.similarity),
          extra_visit_quality: r3(s.extra.q),
          threshold_quality: o.reworkQuality,
          extra_duration_sec: r3(extraDur),
          extra_vs_gold_duration: r3(coverage),
        },
        message: `${g.name} was done again at ${range(x).start_sec.toFixed(1)}-${range(x).end_sec.toFixed(1)} s (match quality ${s.extra.q.toFixed(2)}), after ${range(seg!).start_sec.toFixed(1)}-${range(seg!).end_sec.toFixed(1)} s.`,
      });
    }
  }
  for (const w of swaps) {
    const a = byIndex.get(w.first)!;
    const b = byIndex.get(w.second)!;
    deviations.push(swapFinding(w, a.step, b.step, range(a.segment!), range(b.segment!), o));
  }
  deviations.sort((x, y) => (x.gold_step?.index ?? 0) - (y.gold_step?.index ?? 0));

  // 4. Score.
  const simG = 1 - global.normalizedCost;
  let floorG = 0;
  steps.forEach((g, k) => (floorG += ((g.end_clip - g.start_clip) / n) * floors[k]));
  const qG = (simG - floorG) / Math.max(profile.baseline - floorG, o.minContrast);
  const alignScore = 100 * clamp01((qG - o.alignZeroQuality) / (o.alignFullQuality - o.alignZeroQuality));
  const breakdown: Record<string, number> = {
    alignment_normalized_cost: r3(global.normalizedCost),
    alignment_similarity: r3(simG),
    gold_self_similarity: r3(profile.baseline),
    gold_floor_similarity: r3(floorG),
    alignment_quality: r3(qG),
    alignment_score: r3(alignScore),
    quality_calibration: r3(calibration),
    view_compensation_applied: view.applied,
    view_offset_norm: r3(view.offset_norm),
    median_step_quality_before_view: r3(view.median_quality_before),
    median_step_quality: r3(medQ),
  };
  const { score, passed } = verdict(alignScore, deviations, o, breakdown);
  return { score, passed, deviations, steps: rows, path: global.path, breakdown };
}

/** The gold profile scoreAlignment computes for these options (to compute once and cache per gold). */
export function scoringGoldProfile(
  gold: Matrix,
  steps: GoldStep[],
  backend: ScoringBackend = REFERENCE_BACKEND,
  options: Partial<ScoringOptions> = {},
): GoldProfile {
  const o = resolveScoringOptions(options);
  return goldProfile(o.centerOnGold && !o.preCentered ? centerRows(gold, rowMean(gold)) : gold, steps, backend, o.defaultFloor);
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Mean trainee clip of the global path cells in each step's gold rows (NaN if none). */
function stepPathCenters(path: Array<[number, number]>, steps: GoldStep[]): number[] {
  const sum = new Float64Array(steps.length);
  const cnt = new Float64Array(steps.length);
  let k = 0;
  for (const [i, j] of path) {
    while (k < steps.length - 1 && i >= steps[k].end_clip) k++;
    while (k > 0 && i < steps[k].start_clip) k--;
    sum[k] += j;
    cnt[k]++;
  }
  return Array.from(sum, (s, x) => (cnt[x] > 0 ? s / cnt[x] : NaN));
}

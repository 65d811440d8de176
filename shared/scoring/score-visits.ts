/**
 * The visits method (ScoringOptions.method = 'visits'): one alignment with drops, free forward
 * skips and paid jumps back (visits.ts) decides every deviation; docs/scoring.md has the reasoning.
 * 1. The pair's level L: the median step similarity of a plain in-order assignment. Across takes
 *    everything is less alike than inside the gold, so thresholds are on q = similarity / L,
 *    with L never below visitLevelFloor x the gold's own consecutive-row similarity, nor below
 *    visitAcceptedFraction of the level of this gold's reviewer-accepted runs when there are
 *    some: a run that does every step a little wrong cannot calibrate itself to look right.
 * 2. The alignment again, now dropping rows less alike than visitDropLevel x L and paying
 *    visitJumpFraction of the median gold step's rows, at L, for a jump back.
 * 3. Each step's visits (runs of rows on it) at least visitMinFraction of its gold duration long:
 *    none -> missing_step; the longest is the step; its q low -> step_deviation; longer than the
 *    gold -> over_time; another visit as alike as visitReworkQuality x L -> rework; the steps'
 *    visits out of gold order -> order_swap.
 */
import type { ClipTimes, Deviation, GoldStep, ScoreOutcome, StepRow } from './types.js';
import type { Matrix } from '../alignment/types.js';
import { nativeScoringKernels } from '../alignment/index.js';
import type { ScoringBackend } from './backend.js';
import type { ScoringOptions } from './options.js';
import { clipSpan } from './clip-span.js';
import { findSwaps } from './order.js';
import { median } from './stats.js';
import { alignWithDrops, stepVisits, type Visit } from './visits.js';
import { consecutiveSimilarity, idleLimit, trimIdleEdges } from './idle.js';
import { deviationSeverity, overTimeFinding, stepRef as ref, swapFinding, verdict } from './findings.js';
import { judgeStep, toleranceBreakdown } from './step-tolerances.js';

export interface VisitsInput {
  /** Both centred on the gold mean. */
  gold: Matrix;
  trainee: Matrix;
  goldSteps: GoldStep[];
  traineeTimes: ClipTimes;
  backend: ScoringBackend;
  /** goldConsecutiveRows(gold) when the caller has it already (same centred rows): not computed twice. */
  goldConsecutive?: number[];
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function scoreVisits(input: VisitsInput, o: ScoringOptions): ScoreOutcome {
  const { gold, trainee, goldSteps: steps, traineeTimes: tt, backend } = input;
  const n = gold.rows;
  const m = trainee.rows;
  const K = steps.length;
  const cost = backend.costMatrix(gold, trainee);
  const span = (a: number, b: number) => clipSpan(tt, a, b);
  const secs = (a: number, b: number) => {
    const r = span(a, b);
    return r.end_sec - r.start_sec;
  };
  const traineeSec = secs(0, m - 1);
  const rowsPerSec = traineeSec > 0 ? m / traineeSec : 1;

  // 1. The pair's level.
  const plain = stepVisits(alignWithDrops(cost, n, m, { drop: Infinity, jump: Infinity }), cost, m, steps);
  const stepSim = steps.map((_, k) => {
    let s = 0;
    let c = 0;
    for (const v of plain) if (v.step === k) ((s += v.similarity * v.rows), (c += v.rows));
    return c ? s / c : 0;
  });
  const goldRows = input.goldConsecutive?.length === Math.max(0, n - 1) ? input.goldConsecutive : goldConsecutiveRows(gold);
  const goldConsecutive = meanOf(goldRows);
  const acceptedFloor = o.visitAcceptedLevel !== undefined ? o.visitAcceptedFraction * o.visitAcceptedLevel : 0;
  const levelFloor = Math.max(o.visitLevelFloor * goldConsecutive, acceptedFloor);
  const rel = o.visitStepBaseline ? stepBaselines(goldRows, steps) : steps.map(() => 1);
  const pairLevel = median(stepSim.map((x, k) => x / rel[k]));
  const L = Math.max(pairLevel, levelFloor, 1e-6);

  // 2. Drops and jumps.
  // A jump back pays for itself once a fair part of the step jumped to is matched: the price is
  // a fraction of that step's own duration, so a short step done out of order is seen as well as
  // a long one (a price set by the median step hid short steps moved: they read as missing).
  const stepSec = steps.map((s) => s.end_sec - s.start_sec);
  const jumpRow = new Float64Array(n);
  steps.forEach((s, k) => jumpRow.fill(o.visitJumpFraction * stepSec[k] * rowsPerSec * L, s.start_clip, s.end_clip));
  const jumpSec = o.visitJumpFraction * median(stepSec);
  const assigned = alignWithDrops(cost, n, m, { drop: 1 - o.visitDropLevel * L, jump: jumpRow });
  const visits = stepVisits(assigned, cost, m, steps);
  const goldSec = (k: number) => steps[k].end_sec - steps[k].start_sec;
  const counts = (v: Visit) => v.rows / rowsPerSec >= o.visitMinFraction * goldSec(v.step);
  const real = visits.filter(counts);
  const main: Array<Visit | null> = steps.map((_, k) => real.filter((v) => v.step === k).sort((a, b) => b.rows - a.rows)[0] ?? null);
  // The camera running before the work began or after it ended (still footage at the outer edge
  // of the first and last visits, idle.ts) is no step's time: it would read as over_time.
  const timed = main.map((v) => ({ segment: v ? { start: v.start, end: v.end } : null }));
  const idleSec =
    o.idleSimilarity < 1 ? trimIdleEdges(timed, consecutiveSimilarity(trainee), idleLimit(goldRows, o.idleSimilarity, o.idleGoldPercentile), tt) : new Map<number, number>();

  // 3. Deviations.
  const deviations: Deviation[] = [];
  const rows: StepRow[] = [];
  const qualities: number[] = [];
  const levelEvidence = { pair_level_similarity: r3(pairLevel), level_floor_similarity: r3(levelFloor), accepted_level_similarity: o.visitAcceptedLevel === undefined ? null : r3(o.visitAcceptedLevel) };
  for (let k = 0; k < K; k++) {
    const g = steps[k];
    const v = main[k];
    const q = v ? v.similarity / (L * rel[k]) : 0;
    // This step's learned tolerance (none: jq = q, the default limits): step-tolerances.ts.
    const judged = judgeStep(o, g.index, q);
    const jq = judged.q;
    qualities.push(jq);
    const seg = timed[k].segment;
    const dur = seg ? secs(seg.start, seg.end) : null;
    const ratio = dur !== null && goldSec(k) > 0 ? dur / goldSec(k) : null;
    rows.push({
      index: g.index,
      name: g.name,
      gold: { start_sec: g.start_sec, end_sec: g.end_sec, start_clip: g.start_clip, end_clip: g.end_clip },
      trainee: seg ? { ...span(seg.start, seg.end), start_clip: seg.start, end_clip: seg.end + 1 } : null,
      mean_similarity: v ? r3(v.similarity) : null,
      match_quality: r3(q),
      duration_ratio: ratio === null ? null : r3(ratio),
      ...(judged.row && v ? { tolerance: judged.row } : {}),
    });
    if (!v) {
      const seen = visits.filter((x) => x.step === k).reduce((a, x) => a + x.rows, 0) / rowsPerSec;
      deviations.push({
        type: 'missing_step',
        severity: 'high',
        gold_step: ref(g),
        trainee: null,
        evidence: { ...levelEvidence, matched_sec: r3(seen), gold_duration_sec: r3(goldSec(k)), min_fraction: o.visitMinFraction },
        message: `${g.name} was not found in the trainee video: in gold order, only ${seen.toFixed(1)} s of it match (at least ${(o.visitMinFraction * goldSec(k)).toFixed(1)} s needed).`,
      });
      continue;
    }
    const trainee = span(seg!.start, seg!.end);
    if (jq < o.deviationQuality) {
      const severity = deviationSeverity(jq, o);
      deviations.push({
        type: 'step_deviation',
        severity,
        gold_step: ref(g),
        trainee,
        evidence: { ...levelEvidence, step_baseline_factor: r3(rel[k]), expected_similarity: r3(L * rel[k]), match_similarity: r3(v.similarity), match_quality: r3(q), threshold_quality: o.deviationQuality, medium_below: o.deviationMediumQuality, high_below: o.deviationHighQuality, ...judged.qualityEvidence },
        message: `${g.name} was done differently from the gold: its footage matches with similarity ${v.similarity.toFixed(2)}, ${q.toFixed(2)} of what this step reaches in this run (${(L * rel[k]).toFixed(2)}: the run's typical step ${L.toFixed(2)} x this step's own baseline ${rel[k].toFixed(2)}).`,
      });
    }
    const ot = overTimeFinding(g, trainee, dur!, judged.o, { ...judged.timeEvidence, idle_excluded_sec: r3(idleSec.get(k) ?? 0) });
    if (ot) deviations.push(ot);
    for (const x of real) {
      if (x.step !== k || x === v || x.similarity < o.visitReworkQuality * L * rel[k]) continue;
      const xr = span(x.start, x.end);
      const extraSec = secs(x.start, x.end);
      const coverage = goldSec(k) > 0 ? extraSec / goldSec(k) : 1;
      deviations.push({
        type: 'rework',
        severity: coverage < 0.75 ? 'low' : coverage < 1.5 ? 'medium' : 'high',
        gold_step: ref(g),
        trainee: xr,
        evidence: { first_visit: [trainee.start_sec, trainee.end_sec], extra_visit: [xr.start_sec, xr.end_sec], extra_visit_similarity: r3(x.similarity), threshold_similarity: r3(o.visitReworkQuality * L * rel[k]), extra_duration_sec: r3(extraSec), extra_vs_gold_duration: r3(coverage) },
        message: `${g.name} was done again at ${xr.start_sec.toFixed(1)}-${xr.end_sec.toFixed(1)} s, after ${trainee.start_sec.toFixed(1)}-${trainee.end_sec.toFixed(1)} s.`,
      });
    }
  }
  const present = main.flatMap((v, k) => (v ? [{ step: k, start: v.start, end: v.end }] : []));
  for (const w of findSwaps(present, o.swapMaxOverlap)) {
    const a = main[w.first]!;
    const b = main[w.second]!;
    deviations.push(swapFinding(w, steps[w.first], steps[w.second], span(a.start, a.end), span(b.start, b.end), o));
  }
  deviations.sort((x, y) => (x.gold_step?.index ?? 0) - (y.gold_step?.index ?? 0));

  // 4. Score: the steps' quality (capped at 1, weighted by gold duration) minus the penalties.
  let wq = 0;
  let w = 0;
  steps.forEach((g, k) => ((wq += Math.min(1, qualities[k]) * (g.end_clip - g.start_clip)), (w += g.end_clip - g.start_clip)));
  const stepScore = 100 * (w > 0 ? wq / w : 0);
  const breakdown: Record<string, number> = {
    method_visits: 1,
    step_score: r3(stepScore),
    pair_level_similarity: r3(pairLevel),
    level_floor_similarity: r3(levelFloor),
    gold_consecutive_similarity: r3(goldConsecutive),
    // Uncalibrated: the pair's level against the gold's own; what "the footage shows the gold's steps" reads.
    median_step_quality: r3(goldConsecutive > 0 ? pairLevel / goldConsecutive : 0),
    median_step_quality_calibrated: r3(median(qualities)),
    jump_cost_sec: r3(jumpSec),
    dropped_sec: r3(Array.from(assigned).filter((i) => i < 0).length / rowsPerSec),
  };
  if (o.visitAcceptedLevel !== undefined) {
    breakdown.accepted_level_similarity = r3(o.visitAcceptedLevel);
    breakdown.accepted_runs = o.visitAcceptedRuns ?? 0;
  }
  Object.assign(breakdown, toleranceBreakdown(o));
  const { score, passed } = verdict(stepScore, deviations, o, breakdown);
  const path: Array<[number, number]> = [];
  assigned.forEach((i, j) => i >= 0 && path.push([i, j]));
  return { score, passed, deviations, steps: rows, path, breakdown };
}

/**
 * Each gold step's own baseline against the median step's, clamped to [0.5, 1.5]: the mean cosine
 * of the step's consecutive rows (the same quantity as the level floor's, per step), i.e. how
 * alike the step stays to itself from one row to the next. A step of quick motion changes from row
 * to row and cannot match another take as closely as a step that holds still; judging every step
 * against the run's typical level alone read such steps as done differently. Relative to the
 * median, so the level of the whole run is unchanged; clamped, so no step is judged less than
 * half or more than 1.5x as strictly as the typical one. 1 for every step when a step has a
 * single row or the gold's steps do not hold together at all (no positive baseline).
 */
export function stepBaselines(goldConsecutive: number[], steps: GoldStep[]): number[] {
  const b = steps.map((st) => {
    let sum = 0;
    for (let i = st.start_clip; i + 1 < st.end_clip; i++) sum += goldConsecutive[i];
    return st.end_clip - st.start_clip > 1 ? sum / (st.end_clip - st.start_clip - 1) : NaN;
  });
  const mb = median(b.filter((x) => x > 0));
  return b.map((x) => (x > 0 && mb > 0 ? Math.max(0.5, Math.min(1.5, x / mb)) : 1));
}

/** Mean of the values; 0 for none (a one-row gold has no consecutive similarity). */
export const meanOf = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);

/**
 * cos(row i, row i+1) for every consecutive pair. On the native addon when it is loaded (the same
 * float64 sums in the same order: bit-identical), else goldConsecutiveRowsReference.
 */
export function goldConsecutiveRows(m: Matrix): number[] {
  const k = nativeScoringKernels();
  if (k?.consecutiveDots && m.dim > 0 && m.data.length >= m.rows * m.dim) return Array.from(k.consecutiveDots(m.data, m.rows, m.dim));
  return goldConsecutiveRowsReference(m);
}

/** The TypeScript goldConsecutiveRows. */
export function goldConsecutiveRowsReference(m: Matrix): number[] {
  const next = consecutiveSimilarity(m);
  return Array.from({ length: Math.max(0, m.rows - 1) }, (_, i) => next(i));
}

/** Mean cosine of consecutive (unit) rows: the gold's own similarity scale; 0 for one row. */
export function meanConsecutiveSimilarity(m: Matrix): number {
  return meanOf(goldConsecutiveRows(m));
}

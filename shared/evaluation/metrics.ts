// Pure evaluation rules: whether one scored case meets its labels, and the totals over a set.
// No I/O here, so the rules are unit-tested on their own and shared by every set.
import type { DeviationType, EvalCase, Fault, StepTime, Thresholds } from './manifest.js';

export interface Span {
  start_sec: number;
  end_sec: number;
}

export interface FoundDeviation {
  type: DeviationType;
  severity: 'low' | 'medium' | 'high';
  gold_step: (Span & { index: number; name: string }) | null;
  other_step?: (Span & { index: number; name: string }) | null;
}

export interface CaseRun {
  score: number | null;
  passed: boolean | null;
  deviations: FoundDeviation[];
  /** The gold steps the engine scored against (detected or given). */
  gold_steps: Array<Span & { name: string }>;
  /** camera.same_scene from the result, when the engine reports it. */
  same_scene?: boolean | null;
  /** The score's breakdown and per-step rows, kept in the case result to explain it (not judged). */
  breakdown?: Record<string, number>;
  steps?: Array<{ index: number; mean_similarity: number | null; match_quality: number | null; duration_ratio: number | null }>;
  ingest_sec: number;
  score_sec: number;
  trainee_duration_sec: number;
  /** The stored score job (with --data-dir, its result and vectors stay there to inspect). */
  score_id?: string;
  error?: string;
}

export interface CaseResult {
  id: string;
  split: EvalCase['split'];
  category: EvalCase['category'];
  expected: EvalCase['expected'];
  passed: boolean | null;
  score: number | null;
  deviations: FoundDeviation[];
  /** Planted faults and whether each was found with its type on the right step. */
  faults: Array<Fault & { found: boolean }>;
  /** Over_time findings on a step the trainee really did slower (labelled): true findings. */
  true_over_time: number;
  boundary_error_sec: number | null;
  same_scene: boolean | null;
  breakdown?: CaseRun['breakdown'];
  steps?: CaseRun['steps'];
  /** The gold steps the engine detected, when the case asks for detection (boundary_error_sec is theirs). */
  detected_gold_steps?: CaseRun['gold_steps'];
  ok: boolean;
  why: string;
  ingest_sec: number;
  score_sec: number;
  trainee_duration_sec: number;
  score_id?: string;
}

/** A result's per-step rows as a case keeps them (to explain it; not judged). */
export function runSteps(steps: ReadonlyArray<{ index: number; mean_similarity: number | null; match_quality?: number | null; duration_ratio: number | null }>): NonNullable<CaseRun['steps']> {
  return steps.map((r) => ({ index: r.index, mean_similarity: r.mean_similarity, match_quality: r.match_quality ?? null, duration_ratio: r.duration_ratio }));
}

const overlap = (a: Span, b: Span) => Math.max(0, Math.min(a.end_sec, b.end_sec) - Math.max(a.start_sec, b.start_sec));

/** A reported gold step is the planted span when they overlap by at least half of the smaller one. */
export function onSpan(step: Span | null | undefined, planted: Span): boolean {
  if (!step) return false;
  const smaller = Math.min(step.end_sec - step.start_sec, planted.end_sec - planted.start_sec);
  return smaller > 0 && overlap(step, planted) >= 0.5 * smaller;
}

export function findsFault(d: FoundDeviation, f: Fault): boolean {
  if (d.type !== f.type && !f.also?.includes(d.type)) return false;
  const span = { start_sec: f.gold_start_sec, end_sec: f.gold_end_sec };
  return onSpan(d.gold_step, span) || (d.type === 'order_swap' && onSpan(d.other_step, span));
}

/**
 * Over_time on a correct run is a true finding when the labelled trainee step really took
 * >= 1.5x and >= 2 s more than the labelled gold step (the default time standard).
 */
export function reallySlower(d: FoundDeviation, gold: StepTime[] | undefined, trainee: StepTime[] | undefined): boolean {
  if (d.type !== 'over_time' || !d.gold_step || !gold || !trainee) return false;
  const k = gold.findIndex((g) => onSpan(d.gold_step, g));
  if (k < 0 || !trainee[k]) return false;
  const gd = gold[k].end_sec - gold[k].start_sec;
  const td = trainee[k].end_sec - trainee[k].start_sec;
  return td >= 1.5 * gd && td - gd >= 2;
}

/**
 * Mean distance from each true inner boundary to the nearest found step edge (null without
 * truth). The found steps' outer edges count too, so finding one step where there are six is the
 * distance to the video's ends, not "no error".
 */
export function boundaryError(found: Array<Span>, truth: Array<Span> | undefined): number | null {
  if (!truth || truth.length < 2 || found.length < 1) return null;
  const t = truth.slice(1).map((x) => x.start_sec);
  const f = [...found.map((x) => x.start_sec), found[found.length - 1].end_sec];
  const err = t.map((b) => Math.min(...f.map((x) => Math.abs(x - b))));
  return err.reduce((a, b) => a + b, 0) / err.length;
}

/** Judges one case: verdict, every planted fault found, nothing above low on a correct run. */
export function judgeCase(c: EvalCase, run: CaseRun): CaseResult {
  const why: string[] = [];
  const base = {
    id: c.id, split: c.split, category: c.category, expected: c.expected,
    ingest_sec: run.ingest_sec, score_sec: run.score_sec, trainee_duration_sec: run.trainee_duration_sec,
    ...(run.score_id ? { score_id: run.score_id } : {}),
  };
  if (run.error) {
    return { ...base, passed: null, score: null, deviations: [], faults: c.faults.map((f) => ({ ...f, found: false })), true_over_time: 0,
      boundary_error_sec: null, same_scene: null, ok: false, why: `error: ${run.error}` };
  }
  const truthGold = c.true_gold_steps ?? (Array.isArray(c.gold_steps) ? c.gold_steps : undefined);
  const verdict = run.passed === true ? 'pass' : run.passed === false ? 'fail' : 'none';
  if (verdict !== c.expected) why.push(`expected ${c.expected.toUpperCase()}, got ${verdict.toUpperCase()} (${run.score ?? '?'})`);
  const faults = c.faults.map((f) => ({ ...f, found: run.deviations.some((d) => findsFault(d, f)) }));
  for (const f of faults) if (!f.found) why.push(`${f.type} at gold ${f.gold_start_sec}-${f.gold_end_sec} s not found`);
  let trueOver = 0;
  if (c.expected === 'pass') {
    for (const d of run.deviations) {
      if (reallySlower(d, truthGold, c.trainee_steps)) {
        trueOver++;
        continue;
      }
      if (d.severity !== 'low') why.push(`${d.severity} ${d.type} on "${d.gold_step?.name ?? '-'}"`);
    }
  }
  if (c.expect_same_scene === false) {
    if (run.same_scene !== false) why.push('the engine did not say the scene differs from the gold');
    const missing = run.deviations.filter((d) => d.type === 'missing_step').length;
    if (missing > 0 && missing >= run.gold_steps.length) why.push('every step reported missing because the scene differs');
  }
  const be = c.gold_steps === 'detect' ? boundaryError(run.gold_steps, c.true_gold_steps) : null;
  return {
    ...base, passed: run.passed, score: run.score, deviations: run.deviations, faults, true_over_time: trueOver,
    boundary_error_sec: be, same_scene: run.same_scene ?? null, breakdown: run.breakdown, steps: run.steps,
    ...(c.gold_steps === 'detect' ? { detected_gold_steps: run.gold_steps } : {}), ok: why.length === 0, why: why.join('; ') || 'ok',
  };
}

export interface Totals {
  cases: number;
  ok: number;
  case_ok_rate: number | null;
  correct_ok_rate: number | null;
  camera_ok_rate: number | null;
  other_scene_ok_rate: number | null;
  /** Verdict accuracy: correct and camera runs that pass; faulty runs that fail. */
  correct_pass_rate: number | null;
  faulty_fail_rate: number | null;
  fault_recall: number | null;
  per_type: Record<string, { planted: number; found: number; recall: number | null; reported: number; right: number; precision: number | null }>;
  /** Findings per correct (and camera) run, by severity; true over_time counted apart. */
  findings_per_correct_run: { low: number; medium: number; high: number; true_over_time: number } | null;
  boundary_error_sec: number | null;
  ingest_sec_per_min: number | null;
  score_sec_per_min: number | null;
  errors: number;
}

const rate = (num: number, den: number) => (den > 0 ? Math.round((num / den) * 1000) / 1000 : null);

export function totalsOf(results: CaseResult[]): Totals {
  const of = (cat: EvalCase['category']) => results.filter((r) => r.category === cat);
  const okRate = (rs: CaseResult[]) => rate(rs.filter((r) => r.ok).length, rs.length);
  const passing = results.filter((r) => r.expected === 'pass');
  const failing = results.filter((r) => r.expected === 'fail');
  const perType: Totals['per_type'] = {};
  const bump = (t: string) => (perType[t] ??= { planted: 0, found: 0, recall: null, reported: 0, right: 0, precision: null });
  for (const r of results) {
    for (const f of r.faults) {
      const e = bump(f.type);
      e.planted++;
      if (f.found) e.found++;
    }
    for (const d of r.deviations) {
      const e = bump(d.type);
      e.reported++;
      if (r.faults.some((f) => findsFault(d, f))) e.right++;
    }
  }
  for (const e of Object.values(perType)) {
    e.recall = rate(e.found, e.planted);
    e.precision = rate(e.right, e.reported);
  }
  const planted = results.flatMap((r) => r.faults);
  const sev = { low: 0, medium: 0, high: 0, true_over_time: 0 };
  for (const r of passing) {
    sev.true_over_time += r.true_over_time;
    for (const d of r.deviations) sev[d.severity]++;
  }
  const n = passing.length;
  const be = results.map((r) => r.boundary_error_sec).filter((x): x is number => x !== null);
  const minutes = results.reduce((a, r) => a + r.trainee_duration_sec, 0) / 60;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    cases: results.length,
    ok: results.filter((r) => r.ok).length,
    case_ok_rate: okRate(results),
    correct_ok_rate: okRate(of('correct')),
    camera_ok_rate: okRate(of('camera')),
    other_scene_ok_rate: okRate(of('other_scene')),
    correct_pass_rate: rate(passing.filter((r) => r.passed === true).length, passing.length),
    faulty_fail_rate: rate(failing.filter((r) => r.passed === false).length, failing.length),
    fault_recall: rate(planted.filter((f) => f.found).length, planted.length),
    per_type: perType,
    findings_per_correct_run: n ? { low: r3(sev.low / n), medium: r3(sev.medium / n), high: r3(sev.high / n), true_over_time: r3(sev.true_over_time / n) } : null,
    boundary_error_sec: be.length ? r3(be.reduce((a, b) => a + b, 0) / be.length) : null,
    ingest_sec_per_min: minutes > 0 ? r3(results.reduce((a, r) => a + r.ingest_sec, 0) / minutes) : null,
    score_sec_per_min: minutes > 0 ? r3(results.reduce((a, r) => a + r.score_sec, 0) / minutes) : null,
    errors: results.filter((r) => r.why.startsWith('error:')).length,
  };
}

/** The thresholds a set's totals miss, in words (empty when all hold). */
export function missedThresholds(t: Totals, th: Thresholds): string[] {
  const out: string[] = [];
  const atLeast = (name: keyof Thresholds, got: number | null) => {
    const want = th[name];
    if (want === undefined) return;
    if (got === null) return; // nothing of that kind in the set
    if (got < want) out.push(`${name} ${got} < ${want}`);
  };
  atLeast('correct_ok_rate', t.correct_ok_rate);
  atLeast('camera_ok_rate', t.camera_ok_rate);
  atLeast('faulty_fail_rate', t.faulty_fail_rate);
  atLeast('fault_recall', t.fault_recall);
  atLeast('case_ok_rate', t.case_ok_rate);
  if (th.boundary_error_sec !== undefined && t.boundary_error_sec !== null && t.boundary_error_sec > th.boundary_error_sec) {
    out.push(`boundary_error_sec ${t.boundary_error_sec} > ${th.boundary_error_sec}`);
  }
  return out;
}

/** The missed thresholds that fail the run under a manifest's `gating` (docs/evaluation.md). */
export function gatingMisses(gating: boolean | 'dev', all: Totals, bySplit: Partial<Record<'dev' | 'heldout', Totals>>, th: Thresholds): string[] {
  if (gating === false) return [];
  if (gating === 'dev') return bySplit.dev ? missedThresholds(bySplit.dev, th).map((m) => `dev: ${m}`) : [];
  return missedThresholds(all, th);
}

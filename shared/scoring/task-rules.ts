/**
 * A task's SOP definition applied to the engine's outcome: a pure post-step over its deviations
 * (the engine itself knows nothing of tasks). Per step: optional (left out = information, not
 * missing_step), critical (any deviation fails the run), order_group (steps of a group may come
 * in any order: no order_swap among them), max/min duration (decide over_time / a too-short step).
 * Then the score is re-summed with the engine's penalties and the verdict re-decided with the
 * task's threshold and the engine's blocking rule, and the verdict is explained in words.
 */
import type { Deviation, DeviationType, ScoreOutcome, Severity, StepRef, StepRow } from './types.js';
import type { ScoringOptions } from './options.js';

export interface TaskStepRule {
  index: number;
  name: string;
  optional: boolean;
  critical: boolean;
  max_duration_sec: number | null;
  min_duration_sec: number | null;
  order_group: string | null;
}

export interface TaskRules {
  task_id: string | null;
  task_version: number | null;
  pass_threshold: number;
  /** Null when the score's gold is not the task's gold (step indexes would not match). */
  steps: TaskStepRule[] | null;
}

export interface Information {
  type: 'optional_step_skipped' | 'order_allowed';
  gold_step: StepRef | null;
  other_step?: StepRef | null;
  message: string;
}

export interface Verdict {
  passed: boolean;
  score: number;
  pass_threshold: number;
  /** The rule a PASS needs, in words (shown beside the verdict). */
  rule: string;
  /** Why the run failed, in words; empty when it passed. */
  reasons: string[];
  /** Indexes (into deviations) of the deviations that fail the run whatever the score. */
  blocking: number[];
  task_version: number | null;
  step_rules_applied: boolean;
}

export interface RuledOutcome extends ScoreOutcome {
  information: Information[];
  verdict: Verdict;
  /** The engine's own verdict, before the task's rules. */
  engine: { score: number; passed: boolean };
}

type EngineRules = Pick<ScoringOptions, 'penalties' | 'blockingSeverity'>;

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2 };
const TYPE_WORDS: Record<DeviationType, string> = {
  missing_step: 'a missing step',
  order_swap: 'steps done in the wrong order',
  step_deviation: 'a step done differently',
  over_time: 'a step over its time',
  rework: 'a step done again',
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const stepLabel = (s: { index: number; name: string }) => `step ${s.index + 1} (${s.name})`;

/** "A pass needs a score of at least 70 and no blocking deviation: …" */
export function verdictRule(threshold: number, engine: EngineRules, criticalSteps: StepRef[] | TaskStepRule[]): string {
  const parts: string[] = [];
  for (const [type, sev] of Object.entries(engine.blockingSeverity) as Array<[DeviationType, Severity | null]>) {
    if (sev === null) continue;
    parts.push(sev === 'low' ? `${TYPE_WORDS[type]} (any severity)` : `${TYPE_WORDS[type]} of ${sev} severity or more`);
  }
  if (criticalSteps.length) parts.push(`any deviation on a critical step (${criticalSteps.map(stepLabel).join(', ')})`);
  return `A pass needs a score of at least ${threshold} and no blocking deviation: ${parts.join('; ')}.`;
}

function stepRef(row: StepRow): StepRef {
  return { index: row.index, name: row.name, start_sec: row.gold.start_sec, end_sec: row.gold.end_sec };
}

function durationDeviations(row: StepRow, rule: TaskStepRule): Deviation[] {
  if (!row.trainee) return [];
  const dur = row.trainee.end_sec - row.trainee.start_sec;
  const gold = row.gold.end_sec - row.gold.start_sec;
  const out: Deviation[] = [];
  if (rule.max_duration_sec !== null && dur > rule.max_duration_sec) {
    const ratio = dur / rule.max_duration_sec;
    out.push({
      type: 'over_time',
      severity: ratio >= 2 ? 'high' : ratio >= 1.5 ? 'medium' : 'low',
      gold_step: stepRef(row),
      trainee: { start_sec: row.trainee.start_sec, end_sec: row.trainee.end_sec },
      evidence: { rule: 'task_max_duration', max_duration_sec: rule.max_duration_sec, trainee_duration_sec: r3(dur), gold_duration_sec: r3(gold), ratio_to_max: r3(ratio) },
      message: `${row.name} took ${dur.toFixed(1)} s, over the task's limit of ${rule.max_duration_sec} s.`,
    });
  }
  if (rule.min_duration_sec !== null && dur < rule.min_duration_sec) {
    out.push({
      type: 'step_deviation',
      severity: 'medium',
      gold_step: stepRef(row),
      trainee: { start_sec: row.trainee.start_sec, end_sec: row.trainee.end_sec },
      evidence: { rule: 'task_min_duration', min_duration_sec: rule.min_duration_sec, trainee_duration_sec: r3(dur), gold_duration_sec: r3(gold) },
      message: `${row.name} took ${dur.toFixed(1)} s, under the task's minimum of ${rule.min_duration_sec} s.`,
    });
  }
  return out;
}

export function applyTaskRules(outcome: ScoreOutcome, rules: TaskRules, engine: EngineRules): RuledOutcome {
  const byIndex = new Map((rules.steps ?? []).map((s) => [s.index, s]));
  const rule = (ref: StepRef | null | undefined) => (ref ? byIndex.get(ref.index) : undefined);
  const information: Information[] = [];
  const kept: Deviation[] = [];
  let removedPenalty = 0;
  for (const d of outcome.deviations) {
    const r = rule(d.gold_step);
    let drop = false;
    if (d.type === 'missing_step' && r?.optional) {
      drop = true;
      information.push({ type: 'optional_step_skipped', gold_step: d.gold_step, message: `${d.gold_step!.name} is optional and was left out.` });
    } else if (d.type === 'order_swap' && r?.order_group && rule(d.other_step)?.order_group === r.order_group) {
      drop = true;
      information.push({
        type: 'order_allowed',
        gold_step: d.gold_step,
        other_step: d.other_step ?? null,
        message: `${d.gold_step!.name} and ${d.other_step!.name} came in another order than in the gold, which their order group "${r.order_group}" allows.`,
      });
    } else if (d.type === 'over_time' && r && r.max_duration_sec !== null) {
      drop = true; // the task's own limit decides (below)
    }
    if (drop) removedPenalty += engine.penalties[d.type][d.severity];
    else kept.push(d);
  }
  const added: Deviation[] = [];
  for (const row of outcome.steps) {
    const r = byIndex.get(row.index);
    if (r) added.push(...durationDeviations(row, r));
  }
  const addedPenalty = added.reduce((s, d) => s + engine.penalties[d.type][d.severity], 0);
  const deviations = [...kept, ...added].sort((x, y) => (x.gold_step?.index ?? 0) - (y.gold_step?.index ?? 0));

  const b = outcome.breakdown;
  let score = outcome.score;
  if (removedPenalty !== addedPenalty) {
    // Re-sum from the unclamped engine figures when the engine gives them.
    const unclamped = typeof b.step_score === 'number' && typeof b.penalty_total === 'number' ? b.step_score - b.penalty_total : outcome.score;
    score = r1(Math.max(0, Math.min(100, unclamped + removedPenalty - addedPenalty)));
  }

  const critical = (rules.steps ?? []).filter((s) => s.critical);
  const reasons: string[] = [];
  const blocking: number[] = [];
  deviations.forEach((d, i) => {
    const sev = engine.blockingSeverity[d.type];
    const onCritical = [d.gold_step, d.type === 'order_swap' ? d.other_step : null].map(rule).find((r) => r?.critical);
    if (onCritical) {
      blocking.push(i);
      reasons.push(`${stepLabel(onCritical)} is critical and has ${TYPE_WORDS[d.type]} (${d.severity}).`);
    } else if (sev !== null && RANK[d.severity] >= RANK[sev]) {
      blocking.push(i);
      reasons.push(`${d.gold_step ? stepLabel(d.gold_step) : 'the run'}: ${TYPE_WORDS[d.type]} of ${d.severity} severity blocks a pass.`);
    }
  });
  if (score < rules.pass_threshold) reasons.unshift(`The score ${score} is below the threshold ${rules.pass_threshold}.`);
  const passed = reasons.length === 0;

  const breakdown: Record<string, number> = { ...b, score, blocking_deviations: blocking.length };
  if (removedPenalty || addedPenalty) {
    breakdown.penalty_total = (b.penalty_total ?? 0) - removedPenalty + addedPenalty;
    breakdown.task_rules_penalty_removed = removedPenalty;
    breakdown.task_rules_penalty_added = addedPenalty;
  }
  if (critical.length) breakdown.critical_step_deviations = deviations.filter((d) => rule(d.gold_step)?.critical).length;

  return {
    ...outcome,
    score,
    passed,
    deviations,
    breakdown,
    information,
    engine: { score: outcome.score, passed: outcome.passed },
    verdict: {
      passed,
      score,
      pass_threshold: rules.pass_threshold,
      rule: verdictRule(rules.pass_threshold, engine, critical),
      reasons,
      blocking,
      task_version: rules.task_version,
      step_rules_applied: rules.steps !== null,
    },
  };
}

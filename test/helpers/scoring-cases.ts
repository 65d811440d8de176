/**
 * Synthetic scoring cases shared by the scoring tests: a gold of K steps (random directions with
 * motion inside each step) + per-clip noise, and the pieces to render trainees from.
 */
import type { Deviation, GoldStep, ScoreOutcome } from '../../shared/scoring/types.js';
import { makeProcedure, makeRng, render, type Piece, type StepModel, type SyntheticVideo } from '../../shared/scoring/synthetic.js';

export const DIM = 64;
export const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

export interface Case {
  rng: () => number;
  models: StepModel[];
  lengths: number[];
  gold: SyntheticVideo;
  steps: GoldStep[];
  k: number; // the step a scenario alters (never the first or last)
  noise: number;
}

export function stepsOf(v: SyntheticVideo): GoldStep[] {
  return v.cuts.slice(0, -1).map((a, i) => ({
    index: i,
    name: `Step ${i + 1}`,
    start_clip: a,
    end_clip: v.cuts[i + 1],
    start_sec: v.times.start_sec[a],
    end_sec: v.times.end_sec[v.cuts[i + 1] - 1],
  }));
}

export function makeCase(seed: number, noise = 0.4): Case {
  const rng = makeRng(seed * 1009);
  const K = 3 + ((seed * 7) % 18); // 3..20 steps across seeds
  const { models, lengths } = makeProcedure(rng, K, DIM, 5, 20);
  const gold = render(rng, models.map((model, i) => ({ model, clips: lengths[i] })), noise);
  const k = 1 + Math.floor(rng() * (K - 2));
  return { rng, models, lengths, gold, steps: stepsOf(gold), k, noise };
}

export function pieces(c: Case, speed = 1): Piece[] {
  return c.models.map((model, i) => ({ model, clips: Math.max(1, Math.round(c.lengths[i] * speed)) }));
}

export const show = (r: ScoreOutcome) =>
  `score ${r.score} ${r.deviations.map((d) => `${d.type}:${d.severity}:${d.gold_step?.index}${d.other_step ? '/' + d.other_step.index : ''}`).join(' ')}`;
export const ofType = (r: ScoreOutcome, t: Deviation['type']) => r.deviations.filter((d) => d.type === t);


/** Trainee pieces for the usual scenarios: the gold's steps with one change. */
export const scenario = {
  without: (c: Case, k: number): Piece[] => pieces(c).filter((_, i) => i !== k),
  swapped: (c: Case, a: number, b: number): Piece[] => {
    const p = pieces(c);
    [p[a], p[b]] = [p[b], p[a]];
    return p;
  },
  slowed: (c: Case, k: number, factor: number): Piece[] => pieces(c).map((p, i) => (i === k ? { ...p, clips: Math.round(c.lengths[k] * factor) } : p)),
  /** Step k done again after the next step. */
  repeatedLater: (c: Case, k: number): Piece[] => {
    const p = pieces(c);
    p.splice(k + 2, 0, { ...p[k] });
    return p;
  },
};

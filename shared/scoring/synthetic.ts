/**
 * Seeded synthetic clip-embedding sequences for tests and benchmarks of step detection and
 * scoring: a procedure is K steps, each a path in embedding space (a start direction drifting
 * towards an end direction, plus a small periodic wobble: motion inside the step), observed
 * with per-clip noise. Trainee videos are made by resampling the same procedure (speed),
 * removing, swapping, repeating, slowing or altering steps.
 */
import type { Matrix } from '../alignment/types.js';
import type { ClipTimes } from './types.js';
import { mulberry32 } from '../demo/random.js';

/** mulberry32: small, fast, deterministic PRNG (the demo generator's). */
export const makeRng = (seed: number): (() => number) => mulberry32(seed);

export function gaussian(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function randomUnit(rng: () => number, dim: number): Float64Array {
  const v = new Float64Array(dim);
  let n = 0;
  for (let k = 0; k < dim; k++) {
    v[k] = gaussian(rng);
    n += v[k] * v[k];
  }
  n = Math.sqrt(n);
  for (let k = 0; k < dim; k++) v[k] /= n;
  return v;
}

/** A step's appearance: position t in [0,1] along the step -> direction (not normalised). */
export interface StepModel {
  start: Float64Array;
  end: Float64Array;
  wobbleA: Float64Array;
  wobbleB: Float64Array;
  /** Cosine between start and end is roughly 1 - drift^2/2 for small drift. */
  drift: number;
  wobble: number;
}

export function makeStepModel(rng: () => number, dim: number, drift = 0.5, wobble = 0.25): StepModel {
  const start = randomUnit(rng, dim);
  const other = randomUnit(rng, dim);
  const end = new Float64Array(dim);
  for (let k = 0; k < dim; k++) end[k] = start[k] + drift * other[k];
  return { start, end, wobbleA: randomUnit(rng, dim), wobbleB: randomUnit(rng, dim), drift, wobble };
}

/** Mixes two step models: the "same step done differently" (weight w on b). */
export function mixStepModels(a: StepModel, b: StepModel, w: number): StepModel {
  const mix = (x: Float64Array, y: Float64Array) => x.map((v, k) => (1 - w) * v + w * y[k]);
  return {
    start: mix(a.start, b.start),
    end: mix(a.end, b.end),
    wobbleA: a.wobbleA,
    wobbleB: a.wobbleB,
    drift: a.drift,
    wobble: a.wobble,
  };
}

/** One clip of a step at relative position t, with isotropic noise of total norm ~noise. */
export function sampleClip(rng: () => number, s: StepModel, t: number, noise: number): Float32Array {
  const dim = s.start.length;
  const out = new Float32Array(dim);
  const ph = 2 * Math.PI * 2 * t; // two wobble cycles per step
  const sd = noise / Math.sqrt(dim);
  let n = 0;
  for (let k = 0; k < dim; k++) {
    const v =
      (1 - t) * s.start[k] +
      t * s.end[k] +
      s.wobble * (Math.cos(ph) * s.wobbleA[k] + Math.sin(ph) * s.wobbleB[k]) +
      sd * gaussian(rng);
    out[k] = v;
    n += v * v;
  }
  n = Math.sqrt(n);
  for (let k = 0; k < dim; k++) out[k] /= n;
  return out;
}

/** A piece of a video: `clips` clips of `model` covering positions [from, to] of the step. */
export interface Piece {
  model: StepModel;
  clips: number;
  from?: number;
  to?: number;
}

export interface SyntheticVideo {
  emb: Matrix;
  times: ClipTimes;
  /** Clip index where each piece starts, plus the total at the end. */
  cuts: number[];
}

/** Renders pieces to a clip sequence, clipSec seconds per clip. */
export function render(rng: () => number, pieces: Piece[], noise: number, clipSec = 1): SyntheticVideo {
  const total = pieces.reduce((s, p) => s + p.clips, 0);
  const dim = pieces[0].model.start.length;
  const data = new Float32Array(total * dim);
  const cuts: number[] = [];
  let r = 0;
  for (const p of pieces) {
    cuts.push(r);
    const from = p.from ?? 0;
    const to = p.to ?? 1;
    for (let c = 0; c < p.clips; c++) {
      const t = from + ((to - from) * (c + 0.5)) / p.clips;
      data.set(sampleClip(rng, p.model, t, noise), r * dim);
      r++;
    }
  }
  cuts.push(total);
  const start_sec = Array.from({ length: total }, (_, i) => i * clipSec);
  const end_sec = start_sec.map((s) => s + clipSec);
  return { emb: { rows: total, dim, data }, times: { start_sec, end_sec }, cuts };
}

/** K step models and their gold lengths (clips), lengths uniform in [minLen, maxLen]. */
export function makeProcedure(
  rng: () => number,
  k: number,
  dim: number,
  minLen: number,
  maxLen: number,
): { models: StepModel[]; lengths: number[] } {
  const models: StepModel[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < k; i++) {
    models.push(makeStepModel(rng, dim));
    lengths.push(minLen + Math.floor(rng() * (maxLen - minLen + 1)));
  }
  return { models, lengths };
}

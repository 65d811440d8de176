/**
 * Clip embedders: a clip is K frames in time order; each clip becomes one L2-normalised vector.
 *
 * Per-frame embedders (image backbones, the heuristic) also expose `embedFrames` +
 * `combineClip`, so a pipeline with overlapping clips embeds each frame once and forms clip
 * vectors from cached frame features (see `embedClipsByIndex`).
 */
import type { Frame } from './frame.js';

export interface ClipEmbedder {
  name: string;
  version: string;
  /** Length of every clip vector. */
  dim: number;
  embedClips(clips: Frame[][]): Promise<Float32Array[]>;
}

export interface FrameFeatureEmbedder extends ClipEmbedder {
  /** Length of one frame feature. */
  frameDim: number;
  /** One feature per frame, same order. */
  embedFrames(frames: Frame[]): Promise<Float32Array[]>;
  /** Clip vector (length `dim`, L2-normalised) from the features of its frames in time order. */
  combineClip(frameFeatures: Float32Array[]): Float32Array;
}

export function isFrameFeatureEmbedder(e: ClipEmbedder): e is FrameFeatureEmbedder {
  return typeof (e as FrameFeatureEmbedder).embedFrames === 'function' && typeof (e as FrameFeatureEmbedder).combineClip === 'function';
}

/** In-place L2 normalisation; a zero vector stays zero. Returns `v`. */
export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (s > 0) {
    const k = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] *= k;
  }
  return v;
}

export type ClipPooling = 'concat' | 'ramp';

/**
 * Pools frame features (time order) into one clip vector, order-sensitive:
 * - 'concat' (dim 2D): [mean / |mean|, motionWeight * (mean of 2nd half - mean of 1st half) / |mean|]
 *   then L2-normalised. Static clips ≈ [appearance, 0]; a reversed clip flips the motion half.
 * - 'ramp' (dim D): mean + motionWeight * (2nd-half mean - 1st-half mean), L2-normalised —
 *   a time-weighted mean; keeps D dims (e.g. for pgvector HNSW's 2000-dim limit).
 * First/second-half means are used rather than consecutive differences because the sum of
 * consecutive differences telescopes to last - first and so ignores the middle frames.
 */
export function poolClipFeatures(features: Float32Array[], opts: { pooling?: ClipPooling; motionWeight?: number } = {}): Float32Array {
  if (features.length === 0) throw new Error('cannot pool an empty clip');
  const pooling = opts.pooling ?? 'concat';
  const w = opts.motionWeight ?? 1;
  const d = features[0].length;
  const k = features.length;
  const mean = new Float64Array(d);
  const first = new Float64Array(d);
  const second = new Float64Array(d);
  const half = k / 2; // with odd K the middle frame counts half to each side
  for (let t = 0; t < k; t++) {
    const f = features[t];
    if (f.length !== d) throw new Error(`frame feature ${t} has length ${f.length}, expected ${d}`);
    const wFirst = t + 1 <= half ? 1 : t < half ? half - t : 0;
    for (let i = 0; i < d; i++) {
      mean[i] += f[i];
      first[i] += f[i] * wFirst;
      second[i] += f[i] * (1 - wFirst);
    }
  }
  const nHalf = k > 1 ? half : 1;
  let norm = 0;
  for (let i = 0; i < d; i++) {
    mean[i] /= k;
    norm += mean[i] * mean[i];
  }
  norm = Math.sqrt(norm) || 1;
  const motion = (i: number) => (k > 1 ? (second[i] - first[i]) / nHalf : 0);
  if (pooling === 'ramp') {
    const out = new Float32Array(d);
    for (let i = 0; i < d; i++) out[i] = mean[i] + w * motion(i);
    return l2normalize(out);
  }
  const out = new Float32Array(2 * d);
  for (let i = 0; i < d; i++) {
    out[i] = mean[i] / norm;
    out[d + i] = (w * motion(i)) / norm;
  }
  return l2normalize(out);
}

/**
 * Embeds clips given as lists of frame indices into `frames`, computing each referenced frame
 * once when the embedder has per-frame features (overlapping clips share frames); otherwise
 * falls back to `embedClips` on gathered frames.
 */
export async function embedClipsByIndex(embedder: ClipEmbedder, frames: Frame[], clips: number[][]): Promise<Float32Array[]> {
  for (const c of clips) for (const i of c) if (!(i >= 0 && i < frames.length && Number.isInteger(i))) throw new Error(`clip frame index ${i} out of range 0..${frames.length - 1}`);
  if (!isFrameFeatureEmbedder(embedder)) return embedder.embedClips(clips.map((c) => c.map((i) => frames[i])));
  const used = [...new Set(clips.flat())].sort((a, b) => a - b);
  const feats = await embedder.embedFrames(used.map((i) => frames[i]));
  const byIndex = new Map<number, Float32Array>();
  used.forEach((i, j) => byIndex.set(i, feats[j]));
  return clips.map((c) => embedder.combineClip(c.map((i) => byIndex.get(i)!)));
}

/** Clip windows of `clipLen` frame indices every `stride` frames (last partial window dropped unless no full one fits). */
export function clipWindows(frameCount: number, clipLen: number, stride: number): number[][] {
  if (clipLen < 1 || stride < 1) throw new Error('clipLen and stride must be >= 1');
  const out: number[][] = [];
  for (let s = 0; s + clipLen <= frameCount; s += stride) out.push(Array.from({ length: clipLen }, (_, j) => s + j));
  if (out.length === 0 && frameCount > 0) out.push(Array.from({ length: frameCount }, (_, j) => j));
  return out;
}

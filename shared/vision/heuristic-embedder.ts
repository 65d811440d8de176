/**
 * Fast deterministic fallback embedder (no model): per frame a coarse RGB colour histogram and
 * a coarse grayscale grid; per clip their means, the motion energy (mean |Δ| of the grid
 * between consecutive frames) and the signed grid trend (2nd half − 1st half), so frame order
 * within a clip matters. Pure typed-array loops over a subsampled pixel lattice.
 */
import { assertFrame, type Frame } from './frame.js';
import { l2normalize, type FrameFeatureEmbedder } from './embedder.js';

export interface HeuristicEmbedderOptions {
  /** Grayscale grid side (grid x grid cells). Default 8. */
  grid?: number;
  /** Histogram bins per RGB channel (bins^3 total). Default 4. */
  bins?: number;
  /** Pixels sampled along the longer side (subsampling for speed). Default 96. */
  samples?: number;
}

export class HeuristicClipEmbedder implements FrameFeatureEmbedder {
  readonly name = 'heuristic';
  readonly version: string;
  readonly dim: number;
  readonly frameDim: number;
  private readonly grid: number;
  private readonly bins: number;
  private readonly samples: number;

  constructor(opts: HeuristicEmbedderOptions = {}) {
    this.grid = opts.grid ?? 8;
    this.bins = opts.bins ?? 4;
    this.samples = opts.samples ?? 96;
    if (this.grid < 1 || this.bins < 1 || this.bins > 256 || this.samples < 1) throw new Error('invalid heuristic embedder options');
    this.version = `v1-g${this.grid}-b${this.bins}-s${this.samples}`;
    this.frameDim = this.bins ** 3 + this.grid * this.grid;
    // clip: histogram mean + grid mean + motion energy grid + signed trend grid
    this.dim = this.bins ** 3 + 3 * this.grid * this.grid;
  }

  /** Frame feature: [histogram (fractions, sums to 1), grid of mean gray levels in [0,1]]. */
  frameFeature(frame: Frame): Float32Array {
    assertFrame(frame);
    const { width: w, height: h, data } = frame;
    const g = this.grid;
    const nb = this.bins;
    const hist = nb ** 3;
    const out = new Float32Array(this.frameDim);
    const cellSum = new Float64Array(g * g);
    const cellCnt = new Uint32Array(g * g);
    const step = Math.max(1, Math.floor(Math.max(w, h) / this.samples));
    const binShift = 256 / nb;
    let n = 0;
    for (let y = step >> 1; y < h; y += step) {
      const cy = Math.min(g - 1, Math.floor((y * g) / h));
      const row = y * w * 3;
      for (let x = step >> 1; x < w; x += step) {
        const i = row + x * 3;
        const r = data[i], gr = data[i + 1], b = data[i + 2];
        out[(((r / binShift) | 0) * nb + ((gr / binShift) | 0)) * nb + ((b / binShift) | 0)] += 1;
        const cell = cy * g + Math.min(g - 1, Math.floor((x * g) / w));
        cellSum[cell] += 0.299 * r + 0.587 * gr + 0.114 * b;
        cellCnt[cell]++;
        n++;
      }
    }
    for (let i = 0; i < hist; i++) out[i] /= n;
    for (let c = 0; c < g * g; c++) out[hist + c] = cellCnt[c] ? cellSum[c] / cellCnt[c] / 255 : 0;
    return out;
  }

  async embedFrames(frames: Frame[]): Promise<Float32Array[]> {
    return frames.map((f) => this.frameFeature(f));
  }

  combineClip(features: Float32Array[]): Float32Array {
    const k = features.length;
    if (k === 0) throw new Error('cannot embed an empty clip');
    const hist = this.bins ** 3;
    const cells = this.grid * this.grid;
    const out = new Float32Array(this.dim);
    const oGrid = hist, oMotion = hist + cells, oTrend = hist + 2 * cells;
    const half = Math.floor(k / 2);
    for (let t = 0; t < k; t++) {
      const f = features[t];
      if (f.length !== this.frameDim) throw new Error(`frame feature ${t} has length ${f.length}, expected ${this.frameDim}`);
      for (let i = 0; i < hist; i++) out[i] += f[i] / k;
      // Grid is centred per frame so the appearance block is lighting-offset invariant.
      let m = 0;
      for (let c = 0; c < cells; c++) m += f[hist + c];
      m /= cells;
      for (let c = 0; c < cells; c++) out[oGrid + c] += (f[hist + c] - m) / k;
      if (k > 1) {
        const sign = t < half ? -1 / half : t >= k - half ? 1 / half : 0;
        for (let c = 0; c < cells; c++) out[oTrend + c] += sign * f[hist + c];
      }
      if (t > 0) {
        const p = features[t - 1];
        for (let c = 0; c < cells; c++) out[oMotion + c] += Math.abs(f[hist + c] - p[hist + c]) / (k - 1);
      }
    }
    // Trend weighted down: a large moving object otherwise makes a reversed clip anti-similar
    // (tuned on test/unit/vision-heuristic.test.ts: reversed ≈ 0.67, still ≈ 0.56, recoloured ≈ 0.14).
    for (let c = 0; c < cells; c++) out[oTrend + c] *= 0.5;
    return l2normalize(out);
  }

  async embedClips(clips: Frame[][]): Promise<Float32Array[]> {
    return clips.map((c) => this.combineClip(c.map((f) => this.frameFeature(f))));
  }
}

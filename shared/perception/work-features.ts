// Features that see the work: where, and how much, each frame differs from the video's static
// scene (its median frame), and where it moves, on a spatial grid over the picture. In real
// footage only a small part of the frame changes between steps (an arm, a hand, the object), so
// pooling over the whole frame drowns it; a grid keeps "where" and registration at score time
// (grid-warp.ts) puts a trainee's grid into the gold's coordinates. Pure: no I/O.
import type { Frame } from '../vision/frame.js';
import { toGrey, type GreyImage, type Rect } from './image.js';

/** The grid every video is cut into (over its own picture region), whatever its aspect. */
export const WORK_GRID = { cols: 28, rows: 16 } as const;

export interface GridSpec {
  /** Picture region of the stored (letterboxed) frame, in pixels. */
  rect: Rect;
  cols: number;
  rows: number;
}

export function gridFor(rect: Rect): GridSpec {
  return { rect, ...WORK_GRID };
}

/**
 * Spatial tolerance, in cells (a Gaussian's sigma), off by default: smoothing by one cell tells
 * more steps apart across takes (step-separability.ts) but scored the real development set worse,
 * 39/50 against 42/50, as every step grows more alike (docs/scoring.md, "Tried and not adopted").
 */
export const WORK_BLUR_CELLS = 0;

/** Channels per cell: change against the static scene, motion since the previous frame. */
export const WORK_CHANNELS = 2;

export function workFeatureDim(g: GridSpec): number {
  return WORK_CHANNELS * g.cols * g.rows;
}

/** Mean of each grid cell of a grey image the size of the grid's rect. */
export function cellMeans(img: GreyImage, g: GridSpec, out: Float32Array, offset: number): void {
  const { cols, rows } = g;
  for (let r = 0; r < rows; r++) {
    const y0 = Math.floor((r * img.height) / rows);
    const y1 = Math.floor(((r + 1) * img.height) / rows);
    for (let c = 0; c < cols; c++) {
      const x0 = Math.floor((c * img.width) / cols);
      const x1 = Math.floor(((c + 1) * img.width) / cols);
      let s = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) s += img.data[y * img.width + x];
      out[offset + r * cols + c] = s / Math.max(1, (x1 - x0) * (y1 - y0));
    }
  }
}

/**
 * Each `cols*rows` block of v (one per channel) smoothed in place by a separable Gaussian of
 * `sigma` cells, cut at 2 sigma; at the borders the weights are renormalised over the cells that
 * exist, so an edge cell is not darkened.
 */
export function blurCells(v: Float32Array, cols: number, rows: number, sigma: number): void {
  if (!(sigma > 0)) return;
  const R = Math.ceil(2 * sigma);
  const k = Array.from({ length: 2 * R + 1 }, (_, i) => Math.exp(-((i - R) ** 2) / (2 * sigma * sigma)));
  const cells = cols * rows;
  const tmp = new Float32Array(cells);
  for (let o = 0; o + cells <= v.length; o += cells) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        let s = 0;
        let w = 0;
        for (let d = Math.max(-R, -c); d <= Math.min(R, cols - 1 - c); d++) (s += k[d + R] * v[o + r * cols + c + d]), (w += k[d + R]);
        tmp[r * cols + c] = s / w;
      }
    }
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        let s = 0;
        let w = 0;
        for (let d = Math.max(-R, -r); d <= Math.min(R, rows - 1 - r); d++) (s += k[d + R] * tmp[(r + d) * cols + c]), (w += k[d + R]);
        v[o + r * cols + c] = s / w;
      }
    }
  }
}

/** Per-frame noise estimates the floor takes its median over (a sliding window, causal). */
export const NOISE_WINDOW = 32;
/**
 * How many sigmas of the camera's own noise the floor is raised to where that beats the fixed one;
 * 0, the default: the fixed floor alone. At 3 it changed no real verdict, halved a noise edit's
 * feature error, and cost a synthetic demo case: the demo renders carry strong temporal noise,
 * the floor rose to 27-70 there and hid low-contrast work with the noise (docs/evaluation.md,
 * eighth session).
 */
export const NOISE_SIGMAS = 0;

/**
 * The sensor noise of a frame pair, as the standard deviation of a pixel's frame-to-frame
 * difference: most pixels of a fixed camera's picture are static between two frames 0.25 s apart,
 * so the median absolute difference is the noise's (1.4826 x median |x| is sigma for a normal).
 * Histogram median at 1/8 grey level, O(pixels).
 */
export function frameDiffNoise(a: Float32Array, b: Float32Array): number {
  const bins = new Uint32Array(2049);
  for (let i = 0; i < a.length; i++) bins[Math.min(2048, Math.round(Math.abs(a[i] - b[i]) * 8))]++;
  const half = a.length / 2;
  let seen = 0;
  for (let k = 0; k < bins.length; k++) {
    seen += bins[k];
    if (seen >= half) return (1.4826 * k) / 8;
  }
  return 0;
}

export interface WorkFeatureOptions {
  /** Grey levels a pixel's difference must exceed to count (default 6). */
  noiseFloor?: number;
  /** Spatial tolerance in cells (default WORK_BLUR_CELLS). */
  blur?: number;
  /** Floor raised to this many sigmas of the camera's own noise (default NOISE_SIGMAS; 0: the fixed floor alone). */
  noiseSigmas?: number;
}

/**
 * Per-video feature extractor: holds the static scene and the previous frame. Each frame gives
 * [change map | motion map], each smoothed by `blur` cells; a pixel's difference counts above a
 * noise floor only (sensor noise and compression are not work), and its square root keeps one
 * bright edge from dominating. The floor is `noiseFloor` grey levels; with `noiseSigmas` > 0 it
 * is raised to that many sigmas of this camera's own noise where that is higher: the median of
 * the last NOISE_WINDOW frame-pair estimates (frameDiffNoise). (Averaging a pixel's difference
 * over a box before the floor, fixed or sized by the noise, was measured and not kept:
 * docs/evaluation.md, ninth session.)
 */
export class WorkFeatureExtractor {
  private readonly background: GreyImage;
  private prev: GreyImage | null = null;
  private readonly gain: number;
  private readonly noise: number[] = [];
  private readonly noiseFloor: number;
  private readonly blur: number;
  private readonly noiseSigmas: number;

  /** background: the static scene as grey, the size of the grid's rect. */
  constructor(
    readonly grid: GridSpec,
    background: GreyImage,
    opts: WorkFeatureOptions = {},
  ) {
    if (background.width !== grid.rect.width || background.height !== grid.rect.height) {
      throw new Error(`background is ${background.width}x${background.height}, the picture region ${grid.rect.width}x${grid.rect.height}`);
    }
    this.noiseFloor = opts.noiseFloor ?? 6;
    this.blur = opts.blur ?? WORK_BLUR_CELLS;
    this.noiseSigmas = opts.noiseSigmas ?? NOISE_SIGMAS;
    this.background = background;
    let s = 0;
    for (const v of this.background.data) s += v;
    this.gain = s / this.background.data.length;
  }

  get dim(): number {
    return workFeatureDim(this.grid);
  }

  /** The floors in use: [change, motion] (grey levels); a frame difference has sqrt(2) sigma. */
  floors(): [number, number] {
    if (!(this.noiseSigmas > 0) || !this.noise.length) return [this.noiseFloor, this.noiseFloor];
    const sorted = [...this.noise].sort((a, b) => a - b);
    const diffSigma = sorted[sorted.length >> 1];
    const k = this.noiseSigmas;
    return [Math.max(this.noiseFloor, (k * diffSigma) / Math.SQRT2), Math.max(this.noiseFloor, k * diffSigma)];
  }

  next(frame: Frame): Float32Array {
    const g = toGrey(frame, this.grid.rect);
    // Whole-frame exposure changes (auto-exposure, flicker) are not work: match the frame's mean
    // to the static scene's before differencing.
    let s = 0;
    for (const v of g.data) s += v;
    const k = s > 0 ? this.gain / (s / g.data.length) : 1;
    const n = g.data.length;
    for (let i = 0; i < n; i++) g.data[i] *= k;
    // The noise estimate only where the floor follows it (a pass and a histogram per frame).
    if (this.prev && this.noiseSigmas > 0) {
      this.noise.push(frameDiffNoise(g.data, this.prev.data));
      if (this.noise.length > NOISE_WINDOW) this.noise.shift();
    }
    const [fc, fm] = this.floors();
    const change = new Float32Array(n);
    const motion = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = g.data[i];
      const d = Math.abs(v - this.background.data[i]) - fc;
      change[i] = d > 0 ? Math.sqrt(d) : 0;
      const m = this.prev ? Math.abs(v - this.prev.data[i]) - fm : 0;
      motion[i] = m > 0 ? Math.sqrt(m) : 0;
    }
    this.prev = g;
    const out = new Float32Array(this.dim);
    const cells = this.grid.cols * this.grid.rows;
    cellMeans({ width: g.width, height: g.height, data: change }, this.grid, out, 0);
    cellMeans({ width: g.width, height: g.height, data: motion }, this.grid, out, cells);
    blurCells(out, this.grid.cols, this.grid.rows, this.blur);
    return out;
  }
}

// Where the work is in a frame: a box around the cells that differ from the static scene,
// so an appearance backbone can look there at full detail instead of at the whole picture,
// where the work is a small part (an arm, a hand, a part placed). Pure: no I/O.
import type { Frame } from '../vision/frame.js';
import type { Rect } from './image.js';

/** A box in fractions of the picture (0..1), x0 < x1, y0 < y1. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const WHOLE_PICTURE: Box = { x0: 0, y0: 0, x1: 1, y1: 1 };

export interface RegionOptions {
  /** Shortest side of the box, as a fraction of the picture's height (context around a hand). */
  minSide?: number;
  /** Half-width of the box in standard deviations of the change's spread. */
  spread?: number;
  /** Below this total change (mean over cells, in the change map's units) there is no work. */
  minChange?: number;
}

/**
 * The box around the change in one change map (cols x rows cells, row-major): centred on the
 * change-weighted centroid, as wide as `spread` standard deviations each way, at least
 * `minSide` of the picture's height, square in pixels where it fits (aspect = width / height
 * of the picture). Null when nothing changes (the caller keeps its previous box or the whole
 * picture). Cells weigh by change squared above half the map's mean, so faint noise spread
 * over the frame does not pull the box to the centre.
 */
export function workRegion(change: ArrayLike<number>, cols: number, rows: number, aspect: number, opts: RegionOptions = {}): Box | null {
  const minSide = opts.minSide ?? 0.4;
  const spread = opts.spread ?? 2;
  const minChange = opts.minChange ?? 0.05;
  const n = cols * rows;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += change[i];
  mean /= n;
  if (!(mean >= minChange)) return null;
  let w = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = change[r * cols + c] - 0.5 * mean;
      if (v <= 0) continue;
      const k = v * v;
      const x = (c + 0.5) / cols;
      const y = (r + 0.5) / rows;
      w += k;
      sx += k * x;
      sy += k * y;
      sxx += k * x * x;
      syy += k * y * y;
    }
  }
  if (!(w > 0)) return null;
  const cx = sx / w;
  const cy = sy / w;
  const dx = Math.sqrt(Math.max(0, sxx / w - cx * cx));
  const dy = Math.sqrt(Math.max(0, syy / w - cy * cy));
  // Half-sides in picture heights, then square in pixels: x fractions are heights / aspect.
  const half = Math.min(0.5, Math.max(minSide / 2, spread * dy, spread * dx * aspect));
  return fitBox(cx, cy, half / aspect, half);
}

/** A box of the given half-sides around (cx, cy), shifted (not cut) to lie inside the picture. */
function fitBox(cx: number, cy: number, hx: number, hy: number): Box {
  hx = Math.min(0.5, hx);
  hy = Math.min(0.5, hy);
  const x0 = Math.min(Math.max(cx - hx, 0), 1 - 2 * hx);
  const y0 = Math.min(Math.max(cy - hy, 0), 1 - 2 * hy);
  return { x0, y0, x1: x0 + 2 * hx, y1: y0 + 2 * hy };
}

/** The mean of boxes (a steadier box over a short window); the whole picture when none. */
export function meanBox(boxes: Array<Box | null>): Box {
  const got = boxes.filter((b): b is Box => b !== null);
  if (!got.length) return WHOLE_PICTURE;
  const m = (f: (b: Box) => number) => got.reduce((s, b) => s + f(b), 0) / got.length;
  return fitBox(m((b) => (b.x0 + b.x1) / 2), m((b) => (b.y0 + b.y1) / 2), m((b) => (b.x1 - b.x0) / 2), m((b) => (b.y1 - b.y0) / 2));
}

/** The pixels of a box of a frame's picture region (the whole frame by default; at least 1x1), as a new frame. */
export function cropFrame(f: Frame, b: Box, r: Rect = { x: 0, y: 0, width: f.width, height: f.height }): Frame {
  const x0 = r.x + Math.min(r.width - 1, Math.max(0, Math.floor(b.x0 * r.width)));
  const y0 = r.y + Math.min(r.height - 1, Math.max(0, Math.floor(b.y0 * r.height)));
  const x1 = Math.max(x0 + 1, r.x + Math.min(r.width, Math.ceil(b.x1 * r.width)));
  const y1 = Math.max(y0 + 1, r.y + Math.min(r.height, Math.ceil(b.y1 * r.height)));
  const w = x1 - x0;
  const out = new Uint8Array(w * (y1 - y0) * 3);
  for (let y = y0; y < y1; y++) out.set(f.data.subarray(3 * (y * f.width + x0), 3 * (y * f.width + x1)), 3 * (y - y0) * w);
  return { width: w, height: y1 - y0, data: out };
}

/**
 * Follows the work box through a video's frames in order: each frame's box is the mean of its
 * own and the previous `window - 1` boxes with change (a streaming embedder sees no later
 * frames), so the crop does not jump with every flicker of the change map. Frames without
 * change keep the last box; before any change, the whole picture.
 */
export class WorkRegionTracker {
  private readonly recent: Box[] = [];
  private current: Box = WHOLE_PICTURE;

  constructor(
    private readonly cols: number,
    private readonly rows: number,
    /** Width / height of the picture, for square crops. */
    private readonly aspect: number,
    private readonly window = 5,
    private readonly opts: RegionOptions = {},
  ) {}

  next(change: ArrayLike<number>): Box {
    const b = workRegion(change, this.cols, this.rows, this.aspect, this.opts);
    if (!b) return this.current;
    this.recent.push(b);
    if (this.recent.length > this.window) this.recent.shift();
    this.current = meanBox(this.recent);
    return this.current;
  }
}

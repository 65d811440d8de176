// Single-channel float images and the few operations perception needs on them (pure).
import type { Frame } from '../vision/frame.js';
import { mediaKernels } from './native-kernels.js';

export interface GreyImage {
  width: number;
  height: number;
  /** Row-major luminance, 0..255. */
  data: Float32Array;
}

/** The region of a letterboxed frame that holds picture (the rest is padding). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a srcW x srcH picture lies in a size x size frame the decoder letterboxed it into. */
export function pictureRect(size: number, srcW: number, srcH: number): Rect {
  if (srcW >= srcH) {
    const height = Math.max(1, Math.round((size * srcH) / srcW));
    return { x: 0, y: Math.floor((size - height) / 2), width: size, height };
  }
  const width = Math.max(1, Math.round((size * srcW) / srcH));
  return { x: Math.floor((size - width) / 2), y: 0, width, height: size };
}

export function toGrey(f: Frame, r: Rect = { x: 0, y: 0, width: f.width, height: f.height }): GreyImage {
  const out = new Float32Array(r.width * r.height);
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const i = ((y + r.y) * f.width + (x + r.x)) * 3;
      out[y * r.width + x] = 0.299 * f.data[i] + 0.587 * f.data[i + 1] + 0.114 * f.data[i + 2];
    }
  }
  return { width: r.width, height: r.height, data: out };
}

/**
 * Per-pixel temporal median of equally sized frames (RGB), as a frame: each byte the (n >> 1)-th
 * smallest of the frames' bytes there. The native kernel when the addon has it (the same bytes;
 * 36.9x faster over a real still's 48 frames, benchmarks/results/embed-stages.json), else
 * medianFrameTs.
 */
export function medianFrame(frames: Frame[]): Frame {
  if (!frames.length) throw new Error('median of no frames');
  const k = mediaKernels();
  if (!k) return medianFrameTs(frames);
  const { width, height } = frames[0];
  for (const f of frames) if (f.width !== width || f.height !== height || f.data.length !== width * height * 3) throw new Error('median of frames of different sizes');
  const out = new Uint8Array(width * height * 3);
  k.medianU8(frames.map((f) => f.data), out);
  return { width, height, data: out };
}

/** medianFrame in TypeScript (the reference the native kernel is checked against). */
export function medianFrameTs(frames: Frame[]): Frame {
  if (!frames.length) throw new Error('median of no frames');
  const { width, height } = frames[0];
  const n = frames.length;
  const out = new Uint8Array(width * height * 3);
  const col = new Uint8Array(n);
  for (let i = 0; i < out.length; i++) {
    for (let k = 0; k < n; k++) col[k] = frames[k].data[i];
    col.sort();
    out[i] = col[n >> 1];
  }
  return { width, height, data: out };
}

/** Bilinear sample with edge clamp. */
export function sample(img: GreyImage, x: number, y: number): number {
  const w = img.width;
  const h = img.height;
  const xc = Math.min(Math.max(x, 0), w - 1);
  const yc = Math.min(Math.max(y, 0), h - 1);
  const x0 = Math.floor(xc);
  const y0 = Math.floor(yc);
  const x1 = Math.min(x0 + 1, w - 1);
  const y1 = Math.min(y0 + 1, h - 1);
  const fx = xc - x0;
  const fy = yc - y0;
  const d = img.data;
  const a = d[y0 * w + x0] * (1 - fx) + d[y0 * w + x1] * fx;
  const b = d[y1 * w + x0] * (1 - fx) + d[y1 * w + x1] * fx;
  return a * (1 - fy) + b * fy;
}

/**
 * Decoded video frames and the pixel → tensor conversions the vision models need.
 * A frame is RGB24, row-major, 3 bytes per pixel (ffmpeg `-f rawvideo -pix_fmt rgb24`).
 */
export interface Frame {
  width: number;
  height: number;
  data: Uint8Array;
}

export function assertFrame(f: Frame): void {
  if (!Number.isInteger(f.width) || !Number.isInteger(f.height) || f.width <= 0 || f.height <= 0) {
    throw new Error(`invalid frame size ${f.width}x${f.height}`);
  }
  if (f.data.length !== f.width * f.height * 3) {
    throw new Error(`frame data has ${f.data.length} bytes, expected ${f.width * f.height * 3} for ${f.width}x${f.height} RGB24`);
  }
}

export type TensorLayout = 'NHWC' | 'NCHW';

export interface PixelTransform {
  /** Per-channel value after scaling bytes to [0,1]: (v/255 - mean[c]) / std[c]. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

export const UNIT_RANGE: PixelTransform = { mean: [0, 0, 0], std: [1, 1, 1] };
/** [-1,1]: v/127.5 - 1. */
export const SIGNED_RANGE: PixelTransform = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

/** Region of the output image that the source covers (for letterboxing), in output pixels. */
export interface DestRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Source sampling positions for one axis (bilinear): index pairs and weights. */
function axisTable(srcLen: number, dstLen: number, alignCorners: boolean): { i0: Int32Array; i1: Int32Array; f: Float32Array } {
  const i0 = new Int32Array(dstLen);
  const i1 = new Int32Array(dstLen);
  const f = new Float32Array(dstLen);
  for (let d = 0; d < dstLen; d++) {
    let s: number;
    if (alignCorners) s = dstLen > 1 ? (d * (srcLen - 1)) / (dstLen - 1) : 0;
    else s = Math.max(0, (d + 0.5) * (srcLen / dstLen) - 0.5); // half-pixel centres
    const a = Math.min(Math.floor(s), srcLen - 1);
    i0[d] = a;
    i1[d] = Math.min(a + 1, srcLen - 1);
    f[d] = s - a;
  }
  return { i0, i1, f };
}

/**
 * Bilinearly resizes `frame` into a float tensor slot of size outW x outH (one image of a
 * batch, starting at `offset` in `out`), applying `transform`. With `dest`, the frame is drawn
 * into that sub-rectangle only (letterbox) and the rest is filled with `padValue` (a raw
 * 0..255 level, transformed like pixels).
 */
export function frameToTensor(
  frame: Frame,
  out: Float32Array,
  offset: number,
  outW: number,
  outH: number,
  opts: { layout?: TensorLayout; transform?: PixelTransform; alignCorners?: boolean; dest?: DestRect; padValue?: number } = {},
): void {
  assertFrame(frame);
  const layout = opts.layout ?? 'NHWC';
  const t = opts.transform ?? UNIT_RANGE;
  const dest = opts.dest ?? { x: 0, y: 0, w: outW, h: outH };
  const scale = [1 / (255 * t.std[0]), 1 / (255 * t.std[1]), 1 / (255 * t.std[2])];
  const bias = [-t.mean[0] / t.std[0], -t.mean[1] / t.std[1], -t.mean[2] / t.std[2]];
  const plane = outW * outH;
  // Element (pixel p, channel c) lives at offset + p*ps + c*cs; inlined below (hot loops).
  const ps = layout === 'NHWC' ? 3 : 1;
  const cs = layout === 'NHWC' ? 1 : plane;
  const [s0, s1, s2] = scale;
  const [b0, b1, b2] = bias;
  if (dest.w !== outW || dest.h !== outH || dest.x !== 0 || dest.y !== 0) {
    const pad = opts.padValue ?? 0;
    for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) out[offset + p * ps + c * cs] = pad * scale[c] + bias[c];
  }
  const src = frame.data;
  const sw = frame.width;
  if (frame.width === dest.w && frame.height === dest.h) {
    for (let y = 0; y < dest.h; y++)
      for (let x = 0; x < dest.w; x++) {
        const s = (y * sw + x) * 3;
        const o = offset + ((y + dest.y) * outW + x + dest.x) * ps;
        out[o] = src[s] * s0 + b0;
        out[o + cs] = src[s + 1] * s1 + b1;
        out[o + 2 * cs] = src[s + 2] * s2 + b2;
      }
    return;
  }
  const xs = axisTable(frame.width, dest.w, opts.alignCorners ?? false);
  const ys = axisTable(frame.height, dest.h, opts.alignCorners ?? false);
  for (let y = 0; y < dest.h; y++) {
    const r0 = ys.i0[y] * sw * 3;
    const r1 = ys.i1[y] * sw * 3;
    const fy = ys.f[y];
    for (let x = 0; x < dest.w; x++) {
      const c0 = xs.i0[x] * 3;
      const c1 = xs.i1[x] * 3;
      const fx = xs.f[x];
      const o = offset + ((y + dest.y) * outW + x + dest.x) * ps;
      const a = r0 + c0, b = r0 + c1, c = r1 + c0, d = r1 + c1;
      let top = src[a] + (src[b] - src[a]) * fx;
      let bot = src[c] + (src[d] - src[c]) * fx;
      out[o] = (top + (bot - top) * fy) * s0 + b0;
      top = src[a + 1] + (src[b + 1] - src[a + 1]) * fx;
      bot = src[c + 1] + (src[d + 1] - src[c + 1]) * fx;
      out[o + cs] = (top + (bot - top) * fy) * s1 + b1;
      top = src[a + 2] + (src[b + 2] - src[a + 2]) * fx;
      bot = src[c + 2] + (src[d + 2] - src[c + 2]) * fx;
      out[o + 2 * cs] = (top + (bot - top) * fy) * s2 + b2;
    }
  }
}

/** Largest rectangle of the frame's aspect ratio centred in a size x size square. */
export function letterboxRect(width: number, height: number, outW: number, outH: number): DestRect {
  const s = Math.min(outW / width, outH / height);
  const w = Math.max(1, Math.round(width * s));
  const h = Math.max(1, Math.round(height * s));
  return { x: Math.floor((outW - w) / 2), y: Math.floor((outH - h) / 2), w, h };
}

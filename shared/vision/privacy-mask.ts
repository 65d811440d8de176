/**
 * Privacy masking of decoded RGB24 frames: static rectangles (black fill or strong blur) and
 * blurred face boxes (from FaceDetector), applied before frames leave the ingest stage.
 */
import { assertFrame, type Frame } from './frame.js';

/** Rectangle in normalised frame coordinates (0..1, origin top-left, y down). */
export interface MaskRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export type MaskMode = 'black' | 'blur';

export interface PrivacyMaskOptions {
  /** Static rectangles, masked with `mode`. */
  rects?: MaskRect[];
  /** How static rectangles are masked. Default 'black'. */
  mode?: MaskMode;
  /** Face boxes (normalised); always blurred, enlarged by `faceMargin`. */
  faceBoxes?: MaskRect[];
  /** Fraction of the box size added on each side of a face box. Default 0.2. */
  faceMargin?: number;
  /** Box-blur radius in pixels; default a quarter of the region's shorter side (at least 4), i.e. an unrecognisable blur. */
  blurRadius?: number;
  /** Modify `frame.data` in place (default) or return a masked copy. */
  inPlace?: boolean;
}

/** Parses "x0:y0:x1:y1;x0:y0:x1:y1" (normalised 0..1) into rectangles; '' gives []. */
export function parseMaskRects(spec: string): MaskRect[] {
  const out: MaskRect[] = [];
  const parts = spec.split(';').map((s) => s.trim()).filter((s) => s.length > 0);
  parts.forEach((part, i) => {
    const nums = part.split(':').map((s) => s.trim());
    if (nums.length !== 4) throw new Error(`mask rect ${i + 1} "${part}": expected 4 values x0:y0:x1:y1, got ${nums.length}`);
    const v = nums.map((s) => (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(s) ? Number(s) : NaN));
    const bad = v.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new Error(`mask rect ${i + 1} "${part}": "${nums[bad]}" is not a number`);
    const [x0, y0, x1, y1] = v;
    if (v.some((x) => x < 0 || x > 1)) throw new Error(`mask rect ${i + 1} "${part}": values must be within 0..1 (fractions of width/height)`);
    if (!(x1 > x0 && y1 > y0)) throw new Error(`mask rect ${i + 1} "${part}": needs x1 > x0 and y1 > y0`);
    out.push({ x0, y0, x1, y1 });
  });
  return out;
}

interface PixRect {
  x0: number;
  y0: number;
  x1: number; // exclusive
  y1: number;
}

function toPixels(r: MaskRect, w: number, h: number, margin = 0): PixRect | null {
  const mx = (r.x1 - r.x0) * margin, my = (r.y1 - r.y0) * margin;
  const p = {
    x0: Math.max(0, Math.floor((r.x0 - mx) * w)),
    y0: Math.max(0, Math.floor((r.y0 - my) * h)),
    x1: Math.min(w, Math.ceil((r.x1 + mx) * w)),
    y1: Math.min(h, Math.ceil((r.y1 + my) * h)),
  };
  return p.x1 > p.x0 && p.y1 > p.y0 ? p : null;
}

function fillBlack(f: Frame, r: PixRect): void {
  for (let y = r.y0; y < r.y1; y++) f.data.fill(0, (y * f.width + r.x0) * 3, (y * f.width + r.x1) * 3);
}

/** One horizontal + vertical box-blur pass over the region, edges clamped to the region so nothing outside is read or written. */
function boxBlurPass(f: Frame, r: PixRect, radius: number, tmp: Float32Array): void {
  const rw = r.x1 - r.x0, rh = r.y1 - r.y0;
  const d = f.data, W = f.width;
  const win = 2 * radius + 1;
  // horizontal: region -> tmp
  for (let y = 0; y < rh; y++) {
    const row = ((r.y0 + y) * W + r.x0) * 3;
    for (let c = 0; c < 3; c++) {
      const at = (x: number) => d[row + Math.min(rw - 1, Math.max(0, x)) * 3 + c];
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += at(k);
      for (let x = 0; x < rw; x++) {
        tmp[(y * rw + x) * 3 + c] = acc / win;
        acc += at(x + radius + 1) - at(x - radius);
      }
    }
  }
  // vertical: tmp -> region
  for (let x = 0; x < rw; x++) {
    for (let c = 0; c < 3; c++) {
      const at = (y: number) => tmp[(Math.min(rh - 1, Math.max(0, y)) * rw + x) * 3 + c];
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += at(k);
      for (let y = 0; y < rh; y++) {
        d[((r.y0 + y) * W + r.x0 + x) * 3 + c] = Math.round(acc / win);
        acc += at(y + radius + 1) - at(y - radius);
      }
    }
  }
}

function blur(f: Frame, r: PixRect, radius?: number): void {
  const rad = Math.max(1, Math.round(radius ?? Math.max(4, Math.min(r.x1 - r.x0, r.y1 - r.y0) / 4)));
  const tmp = new Float32Array((r.x1 - r.x0) * (r.y1 - r.y0) * 3);
  for (let pass = 0; pass < 3; pass++) boxBlurPass(f, r, rad, tmp); // 3 box passes ≈ Gaussian
}

/** Masks static rectangles and face boxes. Returns the masked frame (the same object when inPlace). */
export function applyPrivacyMask(frame: Frame, opts: PrivacyMaskOptions): Frame {
  assertFrame(frame);
  const f = opts.inPlace === false ? { width: frame.width, height: frame.height, data: frame.data.slice() } : frame;
  const mode = opts.mode ?? 'black';
  if (mode !== 'black' && mode !== 'blur') throw new Error(`unknown mask mode '${mode}' (black|blur)`);
  for (const r of opts.rects ?? []) {
    const p = toPixels(r, f.width, f.height);
    if (!p) continue;
    if (mode === 'black') fillBlack(f, p);
    else blur(f, p, opts.blurRadius);
  }
  for (const r of opts.faceBoxes ?? []) {
    const p = toPixels(r, f.width, f.height, opts.faceMargin ?? 0.2);
    if (p) blur(f, p, opts.blurRadius);
  }
  return f;
}

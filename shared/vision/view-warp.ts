/**
 * Synthetic camera views of a frame, for the gold video's view hypotheses: the same scene as a
 * camera a little closer, aimed elsewhere or tilted would film it. A trainee filmed by a camera
 * that moved is then compared with the gold view that matches it best (docs/scoring.md), which
 * covers larger moves than removing an offset from the vectors can.
 *
 * The transform is applied inside the frame's content rectangle (stored frames are letterboxed
 * squares): tilt by angle_rad about the centre, then a window 1/zoom of the size whose position
 * in the free margin is (pan_x, pan_y) in 0..1, scaled back to the full rectangle (bilinear).
 * Pixels that would come from outside the picture are black, as a rotated camera would not see
 * them either.
 */
import type { Frame } from './frame.js';

export interface ViewHypothesis {
  zoom: number;
  pan_x: number;
  pan_y: number;
  angle_rad: number;
}

/** Seven guesses that cover a camera moved closer (to the centre or a corner) or tilted a little. */
export const GOLD_VIEW_HYPOTHESES: readonly ViewHypothesis[] = Object.freeze([
  { zoom: 1.15, pan_x: 0.5, pan_y: 0.5, angle_rad: 0 },
  { zoom: 1.15, pan_x: 0.2, pan_y: 0.2, angle_rad: 0 },
  { zoom: 1.15, pan_x: 0.8, pan_y: 0.2, angle_rad: 0 },
  { zoom: 1.15, pan_x: 0.2, pan_y: 0.8, angle_rad: 0 },
  { zoom: 1.15, pan_x: 0.8, pan_y: 0.8, angle_rad: 0 },
  { zoom: 1.1, pan_x: 0.5, pan_y: 0.5, angle_rad: 0.035 },
  { zoom: 1.1, pan_x: 0.5, pan_y: 0.5, angle_rad: -0.035 },
]);

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where a srcW x srcH picture lies in a size x size letterboxed frame (as the decoder pads it). */
export function contentRect(size: number, srcW: number, srcH: number): Rect {
  if (srcW >= srcH) {
    const h = Math.max(1, Math.round((size * srcH) / srcW));
    return { x: 0, y: Math.floor((size - h) / 2), w: size, h };
  }
  const w = Math.max(1, Math.round((size * srcW) / srcH));
  return { x: Math.floor((size - w) / 2), y: 0, w, h: size };
}

/** The frame as the hypothetical camera sees it (a new frame; padding outside rect stays as is). */
export function warpFrame(frame: Frame, v: ViewHypothesis, rect: Rect = { x: 0, y: 0, w: frame.width, h: frame.height }): Frame {
  const { width: W, data } = frame;
  const out = new Uint8Array(data);
  const cx = rect.x + rect.w / 2;
  const cy = rect.y + rect.h / 2;
  const ww = rect.w / v.zoom;
  const wh = rect.h / v.zoom;
  const x0 = rect.x + (rect.w - ww) * v.pan_x;
  const y0 = rect.y + (rect.h - wh) * v.pan_y;
  const cos = Math.cos(v.angle_rad);
  const sin = Math.sin(v.angle_rad);
  const sx = ww / rect.w;
  const sy = wh / rect.h;
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    for (let x = rect.x; x < rect.x + rect.w; x++) {
      // Output pixel centre -> point in the tilted picture -> point in the original picture.
      const px = x0 + (x + 0.5 - rect.x) * sx - cx;
      const py = y0 + (y + 0.5 - rect.y) * sy - cy;
      const u = cos * px + sin * py + cx - 0.5;
      const w = -sin * px + cos * py + cy - 0.5;
      const o = (y * W + x) * 3;
      if (u < rect.x - 0.5 || w < rect.y - 0.5 || u > rect.x + rect.w - 0.5 || w > rect.y + rect.h - 0.5) {
        out[o] = out[o + 1] = out[o + 2] = 0;
        continue;
      }
      const ux = Math.min(Math.max(u, rect.x), rect.x + rect.w - 1);
      const wy = Math.min(Math.max(w, rect.y), rect.y + rect.h - 1);
      const xa = Math.floor(ux);
      const ya = Math.floor(wy);
      const xb = Math.min(xa + 1, rect.x + rect.w - 1);
      const yb = Math.min(ya + 1, rect.y + rect.h - 1);
      const fx = ux - xa;
      const fy = wy - ya;
      const a = (ya * W + xa) * 3;
      const b = (ya * W + xb) * 3;
      const c = (yb * W + xa) * 3;
      const d = (yb * W + xb) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = data[a + ch] + (data[b + ch] - data[a + ch]) * fx;
        const bot = data[c + ch] + (data[d + ch] - data[c + ch]) * fx;
        out[o + ch] = Math.round(top + (bot - top) * fy);
      }
    }
  }
  return { width: W, height: frame.height, data: out };
}

// A small software rasteriser for the bench scene: shapes are signed distance functions in
// world units, drawn through a camera (an affine world -> pixel map) with analytic
// anti-aliasing (coverage from the distance in pixels) and a fake relief light (a dome normal
// built from the distance and its gradient). Pure: no I/O, deterministic.

/** The scene is laid out on a 320 x 240 world-unit bench (4:3); cameras map it to pixels. */
export const WORLD_W = 320;
export const WORLD_H = 240;

export type Rgb = readonly [number, number, number];

/** A colour image in 0..255 floats (row-major RGB). */
export interface Canvas {
  width: number;
  height: number;
  data: Float32Array;
}

export function makeCanvas(width: number, height: number): Canvas {
  return { width, height, data: new Float32Array(width * height * 3) };
}

export function copyCanvas(dst: Canvas, src: Canvas): void {
  dst.data.set(src.data);
}

/** How the camera sees the bench, relative to the gold's framing. */
export interface View {
  /** 1 = gold framing; 1.05 = 5 % closer. */
  zoom: number;
  /** Camera shift as fractions of the world width / height. */
  shiftX: number;
  shiftY: number;
  rotDeg: number;
}

export const GOLD_VIEW: View = { zoom: 1, shiftX: 0, shiftY: 0, rotDeg: 0 };

/** world -> pixel: px = a x + b y + c, py = d x + e y + f; plus its inverse and the scale. */
export interface Camera {
  width: number;
  height: number;
  fwd: [number, number, number, number, number, number];
  inv: [number, number, number, number, number, number];
  /** Pixels per world unit. */
  scale: number;
}

export function makeCamera(width: number, height: number, view: View): Camera {
  // Fit the whole world into the frame: a wider frame shows more of the bench at the sides.
  const s = Math.min(width / WORLD_W, height / WORLD_H) * view.zoom;
  const th = (view.rotDeg * Math.PI) / 180;
  const cs = Math.cos(th) * s;
  const sn = Math.sin(th) * s;
  const cx = WORLD_W / 2 + view.shiftX * WORLD_W;
  const cy = WORLD_H / 2 + view.shiftY * WORLD_H;
  // p = centre_px + s R (w - c)
  const a = cs, b = -sn, d = sn, e = cs;
  const c = width / 2 - (a * cx + b * cy);
  const f = height / 2 - (d * cx + e * cy);
  const det = a * e - b * d;
  const ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
  return { width, height, fwd: [a, b, c, d, e, f], inv: [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)], scale: s };
}

export function toPixel(cam: Camera, x: number, y: number): [number, number] {
  const [a, b, c, d, e, f] = cam.fwd;
  return [a * x + b * y + c, d * x + e * y + f];
}

/** Result of a distance query: signed distance (world units, < 0 inside) and outward unit gradient. */
export interface Sd {
  d: number;
  gx: number;
  gy: number;
}

export interface Shape {
  /** World-space bounding box [x0, y0, x1, y1], before any margin. */
  bounds(): [number, number, number, number];
  sd(x: number, y: number, out: Sd): void;
}

export class Circle implements Shape {
  constructor(readonly cx: number, readonly cy: number, readonly r: number) {}
  bounds(): [number, number, number, number] {
    return [this.cx - this.r, this.cy - this.r, this.cx + this.r, this.cy + this.r];
  }
  sd(x: number, y: number, o: Sd): void {
    const dx = x - this.cx, dy = y - this.cy;
    const l = Math.hypot(dx, dy) || 1e-6;
    o.d = l - this.r;
    o.gx = dx / l;
    o.gy = dy / l;
  }
}

/** A ring (washer, bearing): |distance to the mid circle| - half width. */
export class Ring implements Shape {
  constructor(readonly cx: number, readonly cy: number, readonly r: number, readonly halfWidth: number) {}
  bounds(): [number, number, number, number] {
    const R = this.r + this.halfWidth;
    return [this.cx - R, this.cy - R, this.cx + R, this.cy + R];
  }
  sd(x: number, y: number, o: Sd): void {
    const dx = x - this.cx, dy = y - this.cy;
    const l = Math.hypot(dx, dy) || 1e-6;
    const s = l >= this.r ? 1 : -1;
    o.d = Math.abs(l - this.r) - this.halfWidth;
    o.gx = (s * dx) / l;
    o.gy = (s * dy) / l;
  }
}

/** A segment with a radius that tapers from r0 at (ax, ay) to r1 at (bx, by): limbs, fingers, tools. */
export class Capsule implements Shape {
  constructor(readonly ax: number, readonly ay: number, readonly bx: number, readonly by: number, readonly r0: number, readonly r1: number = r0) {}
  bounds(): [number, number, number, number] {
    const r = Math.max(this.r0, this.r1);
    return [Math.min(this.ax, this.bx) - r, Math.min(this.ay, this.by) - r, Math.max(this.ax, this.bx) + r, Math.max(this.ay, this.by) + r];
  }
  sd(x: number, y: number, o: Sd): void {
    const px = x - this.ax, py = y - this.ay;
    const ux = this.bx - this.ax, uy = this.by - this.ay;
    const ll = ux * ux + uy * uy || 1e-9;
    const h = Math.min(1, Math.max(0, (px * ux + py * uy) / ll));
    const qx = px - ux * h, qy = py - uy * h;
    const l = Math.hypot(qx, qy) || 1e-6;
    o.d = l - (this.r0 + (this.r1 - this.r0) * h);
    o.gx = qx / l;
    o.gy = qy / l;
  }
}

/** A rotated box with rounded corners (centre, half sizes, angle in radians, corner radius). */
export class Box implements Shape {
  private readonly c: number;
  private readonly s: number;
  constructor(readonly cx: number, readonly cy: number, readonly hw: number, readonly hh: number, readonly angle = 0, readonly radius = 0) {
    this.c = Math.cos(angle);
    this.s = Math.sin(angle);
  }
  bounds(): [number, number, number, number] {
    const ex = Math.abs(this.c) * this.hw + Math.abs(this.s) * this.hh;
    const ey = Math.abs(this.s) * this.hw + Math.abs(this.c) * this.hh;
    return [this.cx - ex, this.cy - ey, this.cx + ex, this.cy + ey];
  }
  sd(x: number, y: number, o: Sd): void {
    const dx = x - this.cx, dy = y - this.cy;
    const lx = this.c * dx + this.s * dy;
    const ly = -this.s * dx + this.c * dy;
    const ax = Math.abs(lx), ay = Math.abs(ly);
    const qx = ax - this.hw + this.radius, qy = ay - this.hh + this.radius;
    let d: number, nx: number, ny: number;
    if (qx > 0 && qy > 0) {
      const l = Math.hypot(qx, qy);
      d = l - this.radius;
      nx = qx / l;
      ny = qy / l;
    } else if (qx > qy) {
      d = qx - this.radius;
      nx = 1;
      ny = 0;
    } else {
      d = qy - this.radius;
      nx = 0;
      ny = 1;
    }
    if (lx < 0) nx = -nx;
    if (ly < 0) ny = -ny;
    o.d = d;
    o.gx = this.c * nx - this.s * ny;
    o.gy = this.s * nx + this.c * ny;
  }
}

export interface Material {
  color: Rgb;
  /** Width of the rounded rim in world units: 0 draws flat; larger reads as a thicker, rounder body. */
  relief?: number;
  /** Specular strength, 0..1 (metal ~0.6, skin ~0.15, cardboard 0). */
  gloss?: number;
  alpha?: number;
  /** Per-point brightness multiplier (grain, print), world coordinates. */
  pattern?: (x: number, y: number) => number;
}

// Light from the back left, above the bench (world y grows towards the performer).
const LX = -0.36, LY = -0.52, LZ = 0.775;
// Half vector with a viewer straight above.
const HN = Math.hypot(LX, LY, LZ + 1);
const HX = LX / HN, HY = LY / HN, HZ = (LZ + 1) / HN;

const scratch: Sd = { d: 0, gx: 0, gy: 0 };

function pixelBox(cam: Camera, s: Shape, margin: number): [number, number, number, number] | null {
  const [x0, y0, x1, y1] = s.bounds();
  let px0 = Infinity, py0 = Infinity, px1 = -Infinity, py1 = -Infinity;
  for (const [x, y] of [[x0 - margin, y0 - margin], [x1 + margin, y0 - margin], [x0 - margin, y1 + margin], [x1 + margin, y1 + margin]]) {
    const [px, py] = toPixel(cam, x, y);
    px0 = Math.min(px0, px); py0 = Math.min(py0, py); px1 = Math.max(px1, px); py1 = Math.max(py1, py);
  }
  const bx0 = Math.max(0, Math.floor(px0 - 1)), by0 = Math.max(0, Math.floor(py0 - 1));
  const bx1 = Math.min(cam.width - 1, Math.ceil(px1 + 1)), by1 = Math.min(cam.height - 1, Math.ceil(py1 + 1));
  return bx0 > bx1 || by0 > by1 ? null : [bx0, by0, bx1, by1];
}

const BLOCK = 4;

/**
 * Origins of the BLOCK x BLOCK pixel tiles of a box that may hold a pixel within `reach` world
 * units of the shape (moved by dx, dy), from one distance query at each tile's centre: a
 * distance changes at most as fast as the position (10 % slack for the tapered capsule), so the
 * other tiles are skipped without sampling them.
 */
function liveTiles(cam: Camera, shape: Shape, box: [number, number, number, number], dx: number, dy: number, reach: number): number[] {
  const [bx0, by0, bx1, by1] = box;
  const [ia, ib, ic, id, ie, iff] = cam.inv;
  const slack = ((BLOCK / 2) * Math.SQRT2 * 1.1) / cam.scale + reach;
  const tiles: number[] = [];
  for (let ty = by0; ty <= by1; ty += BLOCK) {
    for (let tx = bx0; tx <= bx1; tx += BLOCK) {
      const cx = tx + BLOCK / 2, cy = ty + BLOCK / 2;
      shape.sd(ia * cx + ib * cy + ic - dx, id * cx + ie * cy + iff - dy, scratch);
      if (scratch.d <= slack) tiles.push(tx, ty);
    }
  }
  return tiles;
}

/** Draws a shape, lit, anti-aliased and alpha-blended over the canvas. */
export function fill(cv: Canvas, cam: Camera, shape: Shape, m: Material): void {
  const box = pixelBox(cam, shape, 0);
  if (!box) return;
  const [, , bx1, by1] = box;
  const [ia, ib, ic, id, ie, iff] = cam.inv;
  const relief = m.relief ?? 0;
  const gloss = m.gloss ?? 0;
  const alpha = m.alpha ?? 1;
  const [cr, cg, cb] = m.color;
  const data = cv.data;
  const W = cv.width;
  const o = scratch;
  const tiles = liveTiles(cam, shape, box, 0, 0, 0.5 / cam.scale);
  for (let n = 0; n < tiles.length; n += 2) {
    const tx = tiles[n], ty = tiles[n + 1];
    for (let py = ty; py <= Math.min(by1, ty + BLOCK - 1); py++) {
      for (let px = tx; px <= Math.min(bx1, tx + BLOCK - 1); px++) {
        const x = ia * (px + 0.5) + ib * (py + 0.5) + ic;
        const y = id * (px + 0.5) + ie * (py + 0.5) + iff;
        shape.sd(x, y, o);
        const cov = Math.min(1, Math.max(0, 0.5 - o.d * cam.scale)) * alpha;
        if (cov <= 0) continue;
        let light = 1;
        if (relief > 0) {
          // Dome normal: outward at the edge, facing up a rim's width inside.
          const t = Math.min(1, Math.max(0, -o.d / relief));
          const nz = t * (2 - t);
          const nh = Math.sqrt(1 - nz * nz);
          const nx = o.gx * nh, ny = o.gy * nh;
          const diff = Math.max(0, nx * LX + ny * LY + nz * LZ);
          let spec = 0;
          if (gloss > 0) {
            // (n.h)^24 by squaring.
            const h = Math.max(0, nx * HX + ny * HY + nz * HZ);
            const h2 = h * h, h4 = h2 * h2, h8 = h4 * h4;
            spec = gloss * h8 * h8 * h8;
          }
          light = 0.5 + 0.62 * diff + spec * 1.4;
        }
        if (m.pattern) light *= m.pattern(x, y);
        const i = (py * W + px) * 3;
        const k = 1 - cov;
        data[i] = data[i] * k + cr * light * cov;
        data[i + 1] = data[i + 1] * k + cg * light * cov;
        data[i + 2] = data[i + 2] * k + cb * light * cov;
      }
    }
  }
}

/** Darkens the canvas under a shape moved by (dx, dy), with a soft edge `soft` world units wide. */
export function shadow(cv: Canvas, cam: Camera, shape: Shape, dx: number, dy: number, soft: number, strength: number): void {
  const moved: Shape = {
    bounds: () => {
      const [x0, y0, x1, y1] = shape.bounds();
      return [x0 + dx, y0 + dy, x1 + dx, y1 + dy];
    },
    sd: (x, y, o) => shape.sd(x - dx, y - dy, o),
  };
  const box = pixelBox(cam, moved, soft);
  if (!box) return;
  const [, , bx1, by1] = box;
  const [ia, ib, ic, id, ie, iff] = cam.inv;
  const data = cv.data;
  const W = cv.width;
  const o = scratch;
  const tiles = liveTiles(cam, shape, box, dx, dy, soft);
  for (let n = 0; n < tiles.length; n += 2) {
    const tx = tiles[n], ty = tiles[n + 1];
    for (let py = ty; py <= Math.min(by1, ty + BLOCK - 1); py++) {
      for (let px = tx; px <= Math.min(bx1, tx + BLOCK - 1); px++) {
        const x = ia * (px + 0.5) + ib * (py + 0.5) + ic;
        const y = id * (px + 0.5) + ie * (py + 0.5) + iff;
        shape.sd(x - dx, y - dy, o);
        const t = Math.min(1, Math.max(0, 0.5 - o.d / (2 * soft)));
        if (t <= 0) continue;
        const k = 1 - strength * t * t * (3 - 2 * t);
        const i = (py * W + px) * 3;
        data[i] *= k;
        data[i + 1] *= k;
        data[i + 2] *= k;
      }
    }
  }
}

/** Paints every pixel from a function of its world coordinates (the bench top, once per camera). */
export function paintWorld(cv: Canvas, cam: Camera, color: (x: number, y: number, out: [number, number, number]) => void): void {
  const [ia, ib, ic, id, ie, iff] = cam.inv;
  const rgb: [number, number, number] = [0, 0, 0];
  for (let py = 0; py < cv.height; py++) {
    for (let px = 0; px < cv.width; px++) {
      color(ia * (px + 0.5) + ib * (py + 0.5) + ic, id * (px + 0.5) + ie * (py + 0.5) + iff, rgb);
      const i = (py * cv.width + px) * 3;
      cv.data[i] = rgb[0];
      cv.data[i + 1] = rgb[1];
      cv.data[i + 2] = rgb[2];
    }
  }
}

// ---- noise ----------------------------------------------------------------------------

function hash2(ix: number, iy: number, seed: number): number {
  let h = Math.imul(ix, 374761393) ^ Math.imul(iy, 668265263) ^ Math.imul(seed, 2147483647);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth value noise in 0..1 (bench grain, stains). */
export function valueNoise(x: number, y: number, seed: number): number {
  const ix = Math.floor(x), iy = Math.floor(y);
  const fx = x - ix, fy = y - iy;
  const sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
  const a = hash2(ix, iy, seed), b = hash2(ix + 1, iy, seed), c = hash2(ix, iy + 1, seed), d = hash2(ix + 1, iy + 1, seed);
  return a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
}

/**
 * The camera's sensor: gain, vignetting, per-pixel noise (seeded per frame), quantised to
 * rgb24. `vignette` is a per-pixel gain map (makeVignette) or null.
 */
export function expose(cv: Canvas, out: Uint8Array, gain: number, noise: number, frameSeed: number, vignette: Float32Array | null): void {
  let s = (frameSeed * 2654435761) >>> 0 || 1;
  const n = cv.width * cv.height;
  const d = cv.data;
  for (let p = 0; p < n; p++) {
    // xorshift32: one draw per pixel, mostly luminance noise with a little chroma.
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const g = vignette ? gain * vignette[p] : gain;
    const lum = ((s & 0xffff) / 65536 - 0.5) * noise * 2;
    const chroma = (((s >>> 16) & 0xff) / 256 - 0.5) * noise * 0.6;
    const i = p * 3;
    const r = d[i] * g + lum + chroma, gg = d[i + 1] * g + lum, b = d[i + 2] * g + lum - chroma;
    out[i] = r < 0 ? 0 : r > 255 ? 255 : r;
    out[i + 1] = gg < 0 ? 0 : gg > 255 ? 255 : gg;
    out[i + 2] = b < 0 ? 0 : b > 255 ? 255 : b;
  }
}

/** Lens falloff: 1 at the centre, `edge` in the corners. */
export function makeVignette(width: number, height: number, edge: number): Float32Array {
  const v = new Float32Array(width * height);
  const cx = width / 2, cy = height / 2, r2 = cx * cx + cy * cy;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) v[y * width + x] = 1 - (1 - edge) * (((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2) / r2);
  return v;
}

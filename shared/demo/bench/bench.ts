// The static workbench: wood top, back pegboard, mat, fixture, bins full of parts, stacks,
// tool rack, label dispenser, work instruction. Drawn once per camera; the same for every step
// of every take (parts placed during a run are drawn over it each frame).
import { BINS, BIN_HALF, COVER_STACK, COVER_STACK_B, DISPENSER, FIXTURE, PLATE_STACK, PLATE_STACK_B, RACK, type ItemKind } from './layout.js';
import { drawItem } from './items.js';
import { Box, Capsule, Circle, fill, makeCanvas, paintWorld, valueNoise, type Camera, type Canvas, type Rgb } from './raster.js';
import { mulberry32 } from '../random.js';

const WOOD: Rgb = [190, 152, 108];

function benchTop(x: number, y: number, out: [number, number, number]): void {
  if (y < 10) {
    // Back wall: a pegboard.
    const hx = ((x % 12) + 12) % 12 - 6, hy = ((y % 12) + 12) % 12 - 6;
    const hole = hx * hx + hy * hy < 3.2 ? 0.45 : 1;
    const v = (0.92 + 0.08 * valueNoise(x * 0.1, y * 0.1, 7)) * hole;
    out[0] = 160 * v; out[1] = 158 * v; out[2] = 150 * v;
    return;
  }
  if (y > 233) {
    // The bench's front edge, in shade.
    const v = 0.85 + 0.1 * valueNoise(x * 0.3, y, 3);
    out[0] = 70 * v; out[1] = 58 * v; out[2] = 46 * v;
    return;
  }
  // Planks along x: long grain streaks, a seam every 56 units, slow colour drift.
  const plank = Math.floor((y - 10) / 56);
  const seam = Math.abs(((y - 10) % 56) - 0) < 0.9 ? 0.62 : 1;
  const grain = valueNoise(x * 0.018 + plank * 13.1, y * 0.55, 11 + plank);
  const fine = valueNoise(x * 0.09, y * 2.1, 5 + plank);
  const drift = valueNoise(x * 0.01, y * 0.01, 2);
  const v = seam * (0.8 + 0.16 * grain + 0.06 * fine + 0.08 * drift);
  out[0] = WOOD[0] * v; out[1] = WOOD[1] * v; out[2] = WOOD[2] * v;
}

const shade = (c: Rgb, k: number): Rgb => [c[0] * k, c[1] * k, c[2] * k];

function bin(cv: Canvas, cam: Camera, cx: number, cy: number, color: Rgb, item: ItemKind, seed: number): void {
  fill(cv, cam, new Box(cx + 2, cy + 3, BIN_HALF[0], BIN_HALF[1], 0, 5), { color: [0, 0, 0], alpha: 0.3 });
  fill(cv, cam, new Box(cx, cy, BIN_HALF[0], BIN_HALF[1], 0, 5), { color, relief: 4, gloss: 0.3 });
  fill(cv, cam, new Box(cx, cy + 1, BIN_HALF[0] - 4, BIN_HALF[1] - 4, 0, 3), { color: shade(color, 0.5) });
  // A heap of parts: fixed positions (the layout is the same in every take).
  const r = mulberry32(seed);
  for (let i = 0; i < (item === 'bearing' || item === 'oring' ? 6 : 11); i++) {
    const x = cx + (r() - 0.5) * 2 * (BIN_HALF[0] - 9);
    const y = cy + 1 + (r() - 0.5) * 2 * (BIN_HALF[1] - 8);
    drawItem(cv, cam, item, x, y, r() * Math.PI, 0, r() < 0.5 ? 0 : 1);
  }
}

function stack(cv: Canvas, cam: Camera, at: readonly [number, number], item: ItemKind): void {
  for (let i = 0; i < 4; i++) drawItem(cv, cam, item, at[0] + 1.4 - i * 0.5, at[1] + 2.2 - i * 0.8, 0.02 * (i - 2), 0);
}

function fixture(cv: Canvas, cam: Camera): void {
  const [x, y] = FIXTURE.centre;
  const [hw, hh] = FIXTURE.half;
  // Anti-static mat under the work.
  fill(cv, cam, new Box(x, y + 2, hw + 26, hh + 20, 0, 5), { color: [62, 104, 92], relief: 1.5, pattern: (px, py) => 0.95 + 0.08 * valueNoise(px * 0.4, py * 0.4, 9) });
  fill(cv, cam, new Box(x + 2.5, y + 3.5, hw, hh, 0, 3), { color: [0, 0, 0], alpha: 0.35 });
  fill(cv, cam, new Box(x, y, hw, hh, 0, 3), { color: [146, 150, 156], relief: 3, gloss: 0.5 });
  fill(cv, cam, new Box(x, y, 26, 19, 0, 2), { color: [96, 100, 106], relief: 1 });
  for (const [dx, dy] of [[-31, -22], [31, -22], [-31, 22], [31, 22]]) fill(cv, cam, new Circle(x + dx, y + dy, 2.6), { color: [200, 204, 210], relief: 2, gloss: 0.9 });
  // A toggle clamp on the left: its block and black knob.
  fill(cv, cam, new Box(x - hw - 7, y + 8, 7, 10, 0, 2), { color: [120, 124, 130], relief: 2.5, gloss: 0.5 });
  fill(cv, cam, new Circle(x - hw - 8, y + 15, 4.2), { color: [30, 30, 32], relief: 3.5, gloss: 0.4 });
}

function rack(cv: Canvas, cam: Camera): void {
  const [x, y] = RACK.centre;
  fill(cv, cam, new Box(x, y, 27, 10, RACK.angle, 2), { color: [96, 64, 40], relief: 3, pattern: (px, py) => 0.9 + 0.15 * valueNoise(px * 0.08, py * 0.8, 4) });
  // Pliers resting next to the screwdriver.
  fill(cv, cam, new Capsule(x + 22, y + 16, x + 44, y + 24, 3), { color: [40, 70, 160], relief: 2.5, gloss: 0.3 });
  fill(cv, cam, new Capsule(x + 22, y + 20, x + 43, y + 30, 3), { color: [40, 70, 160], relief: 2.5, gloss: 0.3 });
  fill(cv, cam, new Capsule(x + 12, y + 16, x + 22, y + 18, 2.2, 1.6), { color: [160, 164, 170], relief: 1.5, gloss: 0.8 });
}

function dispenser(cv: Canvas, cam: Camera): void {
  const [x, y] = DISPENSER.centre;
  fill(cv, cam, new Box(x - 4, y, 16, 16, 0, 3), { color: [70, 74, 84], relief: 3, gloss: 0.25 });
  drawItem(cv, cam, 'label', DISPENSER.label[0], DISPENSER.label[1], 0, 0);
  drawItem(cv, cam, 'reject_label', DISPENSER.reject[0], DISPENSER.reject[1], 0, 0);
}

function instructionSheet(cv: Canvas, cam: Camera): void {
  const [x, y, a] = [160, 214, 0.05];
  fill(cv, cam, new Box(x + 1.5, y + 2, 24, 15, a, 1), { color: [0, 0, 0], alpha: 0.2 });
  fill(cv, cam, new Box(x, y, 24, 15, a, 0.5), { color: [236, 234, 226] });
  for (let i = 0; i < 6; i++) {
    const ly = -10 + i * 4;
    const lx = Math.sin(a) * -ly;
    fill(cv, cam, new Box(x + lx - 3 + (i % 2) * 2, y + ly * Math.cos(a), 16 - (i % 3) * 3, 0.6, a), { color: [80, 80, 90] });
  }
}

/** The empty bench as this camera sees it (no noise, no gain). */
export function drawBench(cam: Camera): Canvas {
  const cv = makeCanvas(cam.width, cam.height);
  paintWorld(cv, cam, benchTop);
  BINS.forEach((b, i) => bin(cv, cam, b.centre[0], b.centre[1], b.color, b.item, 1000 + i));
  fixture(cv, cam);
  stack(cv, cam, PLATE_STACK, 'plate');
  stack(cv, cam, PLATE_STACK_B, 'plate_b');
  stack(cv, cam, COVER_STACK, 'cover');
  stack(cv, cam, COVER_STACK_B, 'cover_b');
  rack(cv, cam);
  dispenser(cv, cam);
  instructionSheet(cv, cam);
  // A marker pen left on the bench.
  fill(cv, cam, new Capsule(206, 226, 232, 219, 2.6), { color: [30, 30, 34], relief: 2, gloss: 0.4 });
  return cv;
}

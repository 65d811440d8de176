// The small parts and the screwdriver, drawn where they lie or where a hand holds them. `lift`
// (0 on the bench, ~1 carried) moves the cast shadow away and softens it, as a raised part's
// would.
import { Box, Capsule, Circle, Ring, fill, shadow, type Camera, type Canvas, type Material, type Rgb, type Shape } from './raster.js';
import type { ItemKind } from './layout.js';

const STEEL: Rgb = [150, 155, 162];
const ALLOY: Rgb = [112, 119, 130];
const BRASS: Rgb = [196, 156, 68];
const DARK: Rgb = [38, 38, 42];

/** A point given in an item's own frame, placed at (x, y) turned by ang. */
function at(x: number, y: number, ang: number, lx: number, ly: number): [number, number] {
  const c = Math.cos(ang), s = Math.sin(ang);
  return [x + c * lx - s * ly, y + s * lx + c * ly];
}

function body(cv: Canvas, cam: Camera, shape: Shape, m: Material, lift: number): void {
  shadow(cv, cam, shape, 1.2 + 7 * lift, 1.8 + 9 * lift, 1.2 + 3 * lift, 0.38 - 0.12 * lift);
  fill(cv, cam, shape, m);
}

function plate(cv: Canvas, cam: Camera, x: number, y: number, ang: number, lift: number, color: Rgb): void {
  body(cv, cam, new Box(x, y, 24, 17, ang, 3), { color, relief: 2.2, gloss: 0.35 }, lift);
  const hole = (lx: number, ly: number, r: number) => {
    const [hx, hy] = at(x, y, ang, lx, ly);
    fill(cv, cam, new Circle(hx, hy, r), { color: [30, 32, 36], relief: 1 });
  };
  hole(-17, -8, 3.4);
  hole(17, -8, 3);
  const [cx, cy] = at(x, y, ang, 1, 3);
  fill(cv, cam, new Ring(cx, cy, 8.5, 1.2), { color: [color[0] * 0.7, color[1] * 0.7, color[2] * 0.7], relief: 0 });
}

function cover(cv: Canvas, cam: Camera, x: number, y: number, ang: number, lift: number, color: Rgb): void {
  body(cv, cam, new Box(x, y, 16, 12, ang, 4), { color, relief: 4.5, gloss: 0.35 }, lift);
  const [gx, gy] = at(x, y, ang, 0, -5);
  fill(cv, cam, new Box(gx, gy, 10, 1, ang, 1), { color: [color[0] * 0.75, color[1] * 0.75, color[2] * 0.75] });
}

function label(cv: Canvas, cam: Camera, x: number, y: number, ang: number, lift: number, color: Rgb, ink: Rgb): void {
  body(cv, cam, new Box(x, y, 7.5, 4.5, ang, 0.8), { color }, lift * 0.5);
  for (const ly of [-1.8, 0.2]) {
    const [px, py] = at(x, y, ang, -1.5, ly);
    fill(cv, cam, new Box(px, py, 4.2, 0.45, ang), { color: [90, 90, 95] });
  }
  const [dx, dy] = at(x, y, ang, 4.6, 2);
  fill(cv, cam, new Circle(dx, dy, 1.6), { color: ink });
}

/** A screw: raised and square to the slot while loose; flush, the slot turned, once driven (progress 1). */
function screw(cv: Canvas, cam: Camera, x: number, y: number, lift: number, progress: number): void {
  const raise = lift + (1 - progress) * 0.35;
  body(cv, cam, new Circle(x, y, 4.4), { color: STEEL, relief: 3, gloss: 0.8 }, raise);
  const turn = progress * 5.5 * Math.PI;
  for (const a of [turn, turn + Math.PI / 2]) fill(cv, cam, new Box(x, y, 3.3, 0.65, a), { color: DARK });
}

export function drawItem(cv: Canvas, cam: Camera, kind: ItemKind, x: number, y: number, ang: number, lift: number, progress = 1): void {
  switch (kind) {
    case 'plate':
      return plate(cv, cam, x, y, ang, lift, ALLOY);
    case 'plate_b':
      return plate(cv, cam, x, y, ang, lift, [166, 132, 70]);
    case 'cover':
      return cover(cv, cam, x, y, ang, lift, [104, 156, 204]);
    case 'cover_b':
      return cover(cv, cam, x, y, ang, lift, [214, 138, 48]);
    case 'label':
      return label(cv, cam, x, y, ang, lift, [242, 242, 236], [40, 150, 70]);
    case 'reject_label':
      return label(cv, cam, x, y, ang, lift, [214, 52, 44], [250, 230, 60]);
    case 'pin':
      body(cv, cam, new Circle(x, y, 4.2), { color: BRASS, relief: 3.5, gloss: 0.7 }, lift);
      fill(cv, cam, new Circle(x - 0.8, y - 0.9, 1.4), { color: [240, 215, 150], alpha: 0.6 });
      return;
    case 'screw':
      return screw(cv, cam, x, y, lift, progress);
    case 'bearing':
      body(cv, cam, new Ring(x, y, 7.4, 2.6), { color: [186, 191, 198], relief: 2, gloss: 0.9 }, lift);
      fill(cv, cam, new Ring(x, y, 4.2, 1.1), { color: [120, 124, 130], relief: 1, gloss: 0.5 });
      return;
    case 'oring':
      body(cv, cam, new Ring(x, y, 8.2, 2.1), { color: [212, 104, 32], relief: 2, gloss: 0.2 }, lift);
      return;
  }
}

/**
 * The screwdriver, its handle centre at (x, y), pointing along ang. `upright` 0 lies flat;
 * 1 stands on a screw, seen end-on from above; `spin` turns the handle's ribs.
 */
export function drawScrewdriver(cv: Canvas, cam: Camera, x: number, y: number, ang: number, lift: number, upright: number, spin: number): void {
  const k = 1 - 0.85 * upright;
  const ux = Math.cos(ang), uy = Math.sin(ang);
  const handle = new Capsule(x - ux * 10 * k, y - uy * 10 * k, x + ux * 10 * k, y + uy * 10 * k, 5.2, 4.6);
  const shaft = new Capsule(x + ux * 10 * k, y + uy * 10 * k, x + ux * 31 * k, y + uy * 31 * k, 1.3, 1.1);
  // Upright, the shaft is under the handle: its shadow still falls beside it.
  shadow(cv, cam, shaft, 1.5 + 8 * lift + 6 * upright, 2 + 10 * lift + 8 * upright, 1.5 + 3 * lift, 0.3);
  shadow(cv, cam, handle, 1.5 + 8 * lift + 4 * upright, 2 + 10 * lift + 5 * upright, 1.5 + 3 * lift, 0.32);
  if (upright < 1) fill(cv, cam, shaft, { color: [175, 180, 186], relief: 1.2, gloss: 0.9, alpha: 1 - upright });
  fill(cv, cam, handle, { color: [196, 36, 30], relief: 4.5, gloss: 0.5 });
  // The handle's grooves: along it when it lies flat; seen end-on, a star that turns with the spin.
  if (upright < 1) {
    for (const off of [-2.2, 2.2]) {
      const gx = x - uy * off, gy = y + ux * off;
      fill(cv, cam, new Box(gx, gy, 8 * k, 0.45, ang), { color: [120, 20, 18], alpha: 0.5 * (1 - upright) });
    }
  }
  if (upright > 0) {
    for (let i = 0; i < 3; i++) fill(cv, cam, new Box(x, y, 4.4, 0.5, spin + (i * Math.PI) / 3), { color: [120, 20, 18], alpha: 0.75 * upright });
  }
}

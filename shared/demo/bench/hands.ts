// Arms and hands seen from above: a two-link arm (shoulder below the frame, elbow out to the
// side) solved so the hand's pinch point (between thumb and index tip) reaches its target, a
// palm, four two-segment fingers and a thumb that close as the grip closes. The torso leans
// forward when a target is beyond the arm's reach.
import { Box, Capsule, Circle, fill, shadow, type Camera, type Canvas, type Rgb, type Shape } from './raster.js';
import type { Vec } from './layout.js';

export type Side = 'L' | 'R';

export interface Performer {
  skin: Rgb;
  sleeve: Rgb;
  /** Fraction of the forearm the sleeve covers. */
  cuff: number;
  shoulderL: Vec;
  shoulderR: Vec;
  upper: number;
  fore: number;
  /** Hand size multiplier (about 1). */
  hand: number;
}

export interface HandPose {
  /** The pinch point, where a held part sits. */
  x: number;
  y: number;
  /** 0 open and spread ... 1 closed on a part. */
  grip: number;
  /** 0 resting on the bench ... 1 raised while carrying. */
  lift: number;
  /** Wrist turn against the forearm's line, radians. */
  ang: number;
}

export interface ArmGeometry {
  shoulder: Vec;
  elbow: Vec;
  wrist: Vec;
  /** Direction the hand points, radians. */
  handAngle: number;
  /** Hand size after the lift (a raised hand is nearer the camera). */
  scale: number;
}

const KNUCKLE = 23;
const FINGERS = [16, 18.5, 17, 13.5]; // index, middle, ring, little
const FINGER_OFFSETS = [6.6, 2.2, -2.2, -6.4]; // across the hand, thumb side positive

function pinchDistance(grip: number): number {
  return KNUCKLE + 0.8 * FINGERS[0] * (1 - 0.5 * grip);
}

/** Where shoulder, elbow and wrist are for this pose (pure kinematics, no drawing). */
export function solveArm(p: Performer, side: Side, pose: HandPose): ArmGeometry {
  const scale = p.hand * (1 + 0.07 * pose.lift);
  let [sx, sy] = side === 'L' ? p.shoulderL : p.shoulderR;
  const a = Math.atan2(pose.y - sy, pose.x - sx) + pose.ang;
  const reach = pinchDistance(pose.grip) * scale;
  const wx = pose.x - Math.cos(a) * reach, wy = pose.y - Math.sin(a) * reach;
  const L1 = p.upper, L2 = p.fore;
  let d = Math.hypot(wx - sx, wy - sy);
  const maxReach = 0.97 * (L1 + L2);
  if (d > maxReach) {
    // Lean in: the shoulder comes forward along the line to the wrist.
    const k = (d - maxReach) / d;
    sx += (wx - sx) * k;
    sy += (wy - sy) * k;
    d = maxReach;
  }
  const base = Math.atan2(wy - sy, wx - sx);
  const cosA = Math.min(1, Math.max(-1, (L1 * L1 + d * d - L2 * L2) / (2 * L1 * d)));
  const bend = Math.acos(cosA) * (side === 'L' ? -1 : 1);
  const ex = sx + L1 * Math.cos(base + bend), ey = sy + L1 * Math.sin(base + bend);
  return { shoulder: [sx, sy], elbow: [ex, ey], wrist: [wx, wy], handAngle: a, scale };
}

interface Part {
  shape: Shape;
  color: Rgb;
  relief: number;
  gloss: number;
  alpha?: number;
}

/** The hand's shapes, wrist at the origin of its frame, in drawing order (palm, fingers, thumb, nails). */
function handParts(p: Performer, side: Side, g: ArmGeometry, grip: number): Part[] {
  const [wx, wy] = g.wrist;
  const s = g.scale;
  const ux = Math.cos(g.handAngle), uy = Math.sin(g.handAngle);
  const ts = side === 'R' ? -1 : 1; // thumb towards the body's midline
  const vx = -uy * ts, vy = ux * ts;
  const pt = (along: number, across: number): [number, number] => [wx + (ux * along + vx * across) * s, wy + (uy * along + vy * across) * s];
  const skin = p.skin;
  const darker: Rgb = [skin[0] * 0.9, skin[1] * 0.86, skin[2] * 0.84];
  const parts: Part[] = [];
  const [pcx, pcy] = pt(12, -0.5);
  parts.push({ shape: new Box(pcx, pcy, 12.5 * s, 10.8 * s, g.handAngle, 7 * s), color: skin, relief: 7 * s, gloss: 0.12 });
  const spread = 1.02 - 0.14 * grip;
  const tips: Array<[number, number]> = [];
  FINGERS.forEach((len, i) => {
    const across = FINGER_OFFSETS[i] * spread;
    const [kx, ky] = pt(KNUCKLE - Math.abs(i - 1.3) * 1.2, across);
    // Splay out when open; curl shortens a finger seen from above and turns it towards the thumb.
    const splay = (FINGER_OFFSETS[i] / 6.6) * 0.08 * (1 - 0.8 * grip);
    const proj = len * (1 - 0.5 * grip) * s;
    const a1 = splay, a2 = splay + 0.22 * grip;
    const dir = (a: number): [number, number] => [ux * Math.cos(a) + vx * Math.sin(a), uy * Math.cos(a) + vy * Math.sin(a)];
    const [d1x, d1y] = dir(a1);
    const [d2x, d2y] = dir(a2);
    const mx = kx + d1x * proj * 0.55, my = ky + d1y * proj * 0.55;
    const tx = mx + d2x * proj * 0.45, ty = my + d2y * proj * 0.45;
    const r = (i === 3 ? 2.6 : 3.1) * s;
    parts.push({ shape: new Capsule(kx, ky, mx, my, r, r * 0.92), color: skin, relief: r, gloss: 0.12 });
    parts.push({ shape: new Capsule(mx, my, tx, ty, r * 0.92, r * 0.8), color: skin, relief: r, gloss: 0.12 });
    tips.push([tx - d2x * r * 0.3, ty - d2y * r * 0.3]);
  });
  // Thumb: out to the side when open, its tip meeting the index tip when closed.
  const [bx, by] = pt(6, 8.5);
  const openA = 0.95;
  const ox = bx + (ux * Math.cos(openA) + vx * Math.sin(openA)) * 18 * s;
  const oy = by + (uy * Math.cos(openA) + vy * Math.sin(openA)) * 18 * s;
  const [cx, cy] = pt(pinchDistance(grip) - 1, 3.5);
  const tx = ox + (cx - ox) * grip, ty = oy + (cy - oy) * grip;
  const mx = (bx + tx) / 2 + vx * 2.5 * s, my = (by + ty) / 2 + vy * 2.5 * s;
  parts.push({ shape: new Capsule(bx, by, mx, my, 4.3 * s, 3.6 * s), color: darker, relief: 4 * s, gloss: 0.1 });
  parts.push({ shape: new Capsule(mx, my, tx, ty, 3.6 * s, 3 * s), color: skin, relief: 3.5 * s, gloss: 0.12 });
  // Nails show on straight fingers; curled ones hide them.
  const nail: Rgb = [Math.min(255, skin[0] * 1.08 + 12), Math.min(255, skin[1] * 1.02 + 10), Math.min(255, skin[2] * 1.02 + 12)];
  for (const [x, y] of tips) parts.push({ shape: new Circle(x, y, 1.5 * s), color: nail, relief: 1, gloss: 0.5, alpha: 0.75 * (1 - grip) });
  return parts;
}

function armParts(p: Performer, g: ArmGeometry): Part[] {
  const [sx, sy] = g.shoulder;
  const [ex, ey] = g.elbow;
  const [wx, wy] = g.wrist;
  const cx = ex + (wx - ex) * p.cuff, cy = ey + (wy - ey) * p.cuff;
  const cuffColor: Rgb = [p.sleeve[0] * 0.8, p.sleeve[1] * 0.8, p.sleeve[2] * 0.8];
  return [
    { shape: new Capsule(sx, sy, ex, ey, 19, 15), color: p.sleeve, relief: 14, gloss: 0.05 },
    { shape: new Capsule(ex, ey, wx, wy, 12.5, 8.6), color: p.skin, relief: 10, gloss: 0.12 },
    { shape: new Capsule(ex, ey, cx, cy, 15.5, 14), color: p.sleeve, relief: 12, gloss: 0.05 },
    { shape: new Capsule(cx + (ex - cx) * 0.12, cy + (ey - cy) * 0.12, cx, cy, 14.6, 14), color: cuffColor, relief: 10, gloss: 0.05 },
  ];
}

/**
 * Draws one arm: its shadow on the bench, sleeve and forearm, then `held` (a part or tool in
 * the hand, drawn under the fingers), then the hand.
 */
export function drawArm(cv: Canvas, cam: Camera, p: Performer, side: Side, pose: HandPose, held?: (g: ArmGeometry) => void): ArmGeometry {
  const g = solveArm(p, side, pose);
  const arm = armParts(p, g);
  const hand = handParts(p, side, g, pose.grip);
  // The hand's height sets how far its shadow falls.
  const off = 6 + 10 * pose.lift;
  for (const part of arm) shadow(cv, cam, part.shape, 10, 14, 6, 0.18);
  for (const part of hand.slice(0, 1 + FINGERS.length * 2 + 2)) shadow(cv, cam, part.shape, off * 0.7, off, 2.5 + 2 * pose.lift, 0.22);
  for (const part of arm) fill(cv, cam, part.shape, { color: part.color, relief: part.relief, gloss: part.gloss, pattern: fabricOrSkin(part.color === p.skin) });
  held?.(g);
  for (const part of hand) fill(cv, cam, part.shape, { color: part.color, relief: part.relief, gloss: part.gloss, alpha: part.alpha });
  return g;
}

// Fabric gets a faint weave; skin stays smooth.
const weave = (x: number, y: number) => 0.96 + 0.04 * Math.sin(x * 2.1 + Math.sin(y * 1.7) * 2);
function fabricOrSkin(isSkin: boolean): ((x: number, y: number) => number) | undefined {
  return isSkin ? undefined : weave;
}

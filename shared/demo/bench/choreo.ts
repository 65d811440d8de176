// One performance of one step as motion: each hand follows keyframes (pinch point, grip, lift,
// wrist turn) eased with a minimum-jerk profile along curved paths, and the step's events
// (a part taken, carried, placed; a screw driven; the screwdriver taken and put back). Pure:
// a function of the step, how it is done, its duration and a seed.
import { FIXTURE, RACK, SOURCES, type ItemKind, type StepDef, type Vec } from './layout.js';
import type { HandPose, Side } from './hands.js';
import { mulberry32, uniform, type Rng } from '../random.js';

/** normal: as the gold; wrong_part: the look-alike part; sloppy: the right part, visibly off its place. */
export type StepStyle = 'normal' | 'wrong_part' | 'sloppy';

export interface Key {
  t: number;
  p: Vec;
  grip: number;
  lift: number;
  ang: number;
  /** Bend of the path arriving at this key (offset of the Bezier control point from the midpoint). */
  via?: Vec;
  /** A wrist twist (screwdriving) or a rub (pressing a label) on the way to this key. */
  osc?: { kind: 'twist' | 'rub'; amp: number; hz: number };
}

export interface Placement {
  item: ItemKind;
  at: Vec;
  ang: number;
  /** When it is let go (seconds into the step). */
  t: number;
  /** Screws: driven from 0 to `final` between t0 and t1. */
  drive?: { t0: number; t1: number; final: number };
}

export interface Carry {
  side: Side;
  what: ItemKind | 'screwdriver';
  t0: number;
  t1: number;
  ang: number;
}

export interface Choreo {
  duration: number;
  tracks: Record<Side, Key[]>;
  carries: Carry[];
  placements: Placement[];
  /** Screwdriver upright (end-on) from -> to, for the carry of the tool. */
  upright?: { up0: number; up1: number; down0: number; down1: number };
}

/** How a take's performer habitually stands and holds; fixed for a take. */
export interface Habit {
  rest: Record<Side, Vec>;
  /** Typical wrist turn per hand (radians). */
  wrist: Record<Side, number>;
  /** How far the grip closes on a part (0.75..1). */
  grip: number;
  /** Scale of the path bends (units). */
  arc: number;
  /** Whether the free hand steadies the fixture. */
  steadies: boolean;
}

const ease = (s: number) => s * s * s * (10 + s * (-15 + 6 * s));

/** The hand pose at time t (seconds into the step). */
export function sampleTrack(keys: readonly Key[], t: number): HandPose {
  if (t <= keys[0].t) return { x: keys[0].p[0], y: keys[0].p[1], grip: keys[0].grip, lift: keys[0].lift, ang: keys[0].ang };
  let i = 1;
  while (i < keys.length - 1 && keys[i].t < t) i++;
  const a = keys[i - 1], b = keys[i];
  const s = b.t > a.t ? Math.min(1, Math.max(0, (t - a.t) / (b.t - a.t))) : 1;
  const e = ease(s);
  const mx = (a.p[0] + b.p[0]) / 2 + (b.via?.[0] ?? 0), my = (a.p[1] + b.p[1]) / 2 + (b.via?.[1] ?? 0);
  const q = 1 - e;
  let x = q * q * a.p[0] + 2 * q * e * mx + e * e * b.p[0];
  const y = q * q * a.p[1] + 2 * q * e * my + e * e * b.p[1];
  let ang = a.ang + (b.ang - a.ang) * e;
  if (b.osc && s < 1) {
    const w = Math.sin(Math.PI * s) * b.osc.amp * Math.sin(2 * Math.PI * b.osc.hz * (t - a.t));
    if (b.osc.kind === 'twist') ang += w;
    else x += w;
  }
  return { x, y, grip: a.grip + (b.grip - a.grip) * e, lift: a.lift + (b.lift - a.lift) * e, ang };
}

/** Which hand a part at x is taken with. */
const sideFor = (x: number): Side => (x < 160 ? 'L' : 'R');
const other = (s: Side): Side => (s === 'L' ? 'R' : 'L');

function jitter(r: Rng, v: Vec, amp: number): Vec {
  return [v[0] + uniform(r, -amp, amp), v[1] + uniform(r, -amp, amp)];
}

/** Cumulative phase times: weights scaled by a per-performance jitter, normalised to [0, d]. */
function phases(r: Rng, weights: number[], d: number): number[] {
  const w = weights.map((x) => x * uniform(r, 0.8, 1.25));
  const sum = w.reduce((a, b) => a + b, 0);
  let acc = 0;
  return w.map((x) => (acc += (x / sum) * d));
}

/** Where the part ends up: on its mark (within a millimetre or so), or visibly off it (sloppy). */
function placedAt(r: Rng, step: StepDef, style: StepStyle): { at: Vec; ang: number } {
  if (style !== 'sloppy') return { at: jitter(r, step.target, 0.8), ang: step.angle + uniform(r, -0.03, 0.03) };
  const dir = uniform(r, 0, 2 * Math.PI);
  const off = uniform(r, 9, 12);
  return { at: [step.target[0] + Math.cos(dir) * off, step.target[1] + Math.sin(dir) * off * 0.7], ang: step.angle + (r() < 0.5 ? -1 : 1) * uniform(r, 0.3, 0.45) };
}

function restKeys(h: Habit, side: Side, d: number, r: Rng): Key[] {
  const rest = h.rest[side];
  const k = (t: number, p: Vec): Key => ({ t, p, grip: 0.5, lift: 0, ang: h.wrist[side] });
  return [k(0, rest), k(d * uniform(r, 0.35, 0.65), jitter(r, rest, 3)), k(d, rest)];
}

/** The free hand lays its fingers on the fixture's near corner while the other works. */
function steadyKeys(h: Habit, side: Side, t0: number, t1: number, d: number, r: Rng): Key[] {
  const [fx, fy] = FIXTURE.centre;
  const corner: Vec = jitter(r, [fx + (side === 'L' ? -30 : 30), fy + FIXTURE.half[1] - 2], 3);
  const w = h.wrist[side];
  return [
    { t: 0, p: h.rest[side], grip: 0.5, lift: 0, ang: w },
    { t: t0, p: corner, grip: 0.45, lift: 0, ang: w, via: [0, -h.arc * 0.5] },
    { t: t1, p: jitter(r, corner, 1.2), grip: 0.5, lift: 0, ang: w },
    { t: d, p: h.rest[side], grip: 0.5, lift: 0, ang: w, via: [0, h.arc * 0.3] },
  ];
}

/** Reach, take, carry, set down, settle, return; keys for the working hand and its events. */
function pickPlace(r: Rng, h: Habit, item: ItemKind, from: Vec, to: { at: Vec; ang: number }, t: number[], side: Side, rub: boolean): { keys: Key[]; carry: Carry; place: Placement } {
  const [tReach, tTake, tCarry, tSet, tSettle, tEnd] = t;
  const w = h.wrist[side];
  const bend = (): Vec => [uniform(r, -1, 1) * h.arc, -uniform(r, 0.2, 1) * h.arc];
  const src = jitter(r, from, 4);
  const keys: Key[] = [
    { t: 0, p: h.rest[side], grip: 0.5, lift: 0, ang: w },
    { t: tReach, p: src, grip: 0.05, lift: 0.25, ang: w + uniform(r, -0.15, 0.15), via: bend() },
    { t: tTake, p: src, grip: h.grip, lift: 0, ang: w },
    { t: tCarry, p: [to.at[0], to.at[1] - 2], grip: h.grip, lift: 0.9, ang: w + uniform(r, -0.1, 0.1), via: bend() },
    { t: tSet, p: to.at, grip: 0.15, lift: 0, ang: w },
    rub
      ? { t: tSettle, p: to.at, grip: 0.1, lift: 0, ang: w, osc: { kind: 'rub', amp: 2.5, hz: uniform(r, 2.5, 3.5) } }
      : { t: tSettle, p: jitter(r, [to.at[0], to.at[1] + 3], 1), grip: 0.2, lift: 0.1, ang: w },
    { t: tEnd, p: h.rest[side], grip: 0.5, lift: 0, ang: w, via: [uniform(r, -0.5, 0.5) * h.arc, h.arc * 0.4] },
  ];
  const grab = tReach + (tTake - tReach) * 0.6;
  const letGo = tCarry + (tSet - tCarry) * 0.7;
  return { keys, carry: { side, what: item, t0: grab, t1: letGo, ang: to.ang }, place: { item, at: to.at, ang: to.ang, t: letGo } };
}

/** Waiting before the work starts or after it ends: both hands at rest, shifting a little. */
export function idle(duration: number, habit: Habit, seed: number): Choreo {
  const r = mulberry32(seed);
  return { duration, tracks: { L: restKeys(habit, 'L', duration, r), R: restKeys(habit, 'R', duration, r) }, carries: [], placements: [] };
}

/** Builds one performance of a step lasting `duration` seconds. */
export function choreograph(step: StepDef, style: StepStyle, duration: number, habit: Habit, seed: number): Choreo {
  const r = mulberry32(seed);
  const source = SOURCES[style === 'wrong_part' ? step.wrongSource : step.source];
  const to = placedAt(r, step, style);
  const d = duration;
  if (step.kind === 'pick_place') {
    const side = sideFor(source.at[0]);
    const t = phases(r, [0.22, 0.09, 0.24, 0.12, 0.1, 0.23], d);
    const pp = pickPlace(r, habit, source.item, source.at, to, t, side, source.item === 'label' || source.item === 'reject_label');
    const free = habit.steadies ? steadyKeys(habit, other(side), t[0] * 0.8, t[4], d, r) : restKeys(habit, other(side), d, r);
    return { duration: d, tracks: { [side]: pp.keys, [other(side)]: free } as Record<Side, Key[]>, carries: [pp.carry], placements: [pp.place] };
  }
  // Fasten: the left hand sets the screw and steadies the plate; the right fetches the
  // screwdriver, drives the screw, and puts the tool back.
  const tl = phases(r, [0.17, 0.07, 0.16, 0.06, 0.04], d * 0.5);
  const screw = pickPlace(r, habit, source.item, source.at, to, [...tl, d * 0.5], 'L', false);
  const left: Key[] = [
    ...screw.keys.slice(0, 5),
    { t: tl[4] + d * 0.04, p: jitter(r, [to.at[0] - 22, to.at[1] + 16], 2), grip: 0.45, lift: 0, ang: habit.wrist.L },
    { t: d * uniform(r, 0.8, 0.86), p: jitter(r, [to.at[0] - 22, to.at[1] + 17], 2), grip: 0.5, lift: 0, ang: habit.wrist.L },
    { t: d, p: habit.rest.L, grip: 0.5, lift: 0, ang: habit.wrist.L, via: [0, habit.arc * 0.3] },
  ];
  const [tReach, tTake, tOver, tDrive, tBack, tLetGo] = phases(r, [0.22, 0.07, 0.2, 0.28, 0.13, 0.04], d * 0.93);
  const wR = habit.wrist.R;
  const tool = jitter(r, RACK.screwdriver, 1.5);
  // The right hand reaches the screw only after the left has let go of it.
  const over = Math.max(tOver, screw.place.t + 0.15 * d);
  const drive0 = over + 0.04 * d, drive1 = Math.max(tDrive, drive0 + 0.2 * d);
  const right: Key[] = [
    { t: 0, p: habit.rest.R, grip: 0.5, lift: 0, ang: wR },
    { t: tReach, p: tool, grip: 0.05, lift: 0.2, ang: wR + RACK.angle * 0.5, via: [uniform(r, -0.5, 0.5) * habit.arc, -0.3 * habit.arc] },
    { t: tTake, p: tool, grip: habit.grip, lift: 0, ang: wR },
    { t: over, p: [to.at[0] + 1, to.at[1] + 1], grip: habit.grip, lift: 0.8, ang: wR, via: [0, -habit.arc] },
    { t: drive0, p: to.at, grip: habit.grip, lift: 0.3, ang: wR },
    { t: drive1, p: to.at, grip: habit.grip, lift: 0.3, ang: wR, osc: { kind: 'twist', amp: 0.45, hz: uniform(r, 1.8, 2.6) } },
    { t: Math.max(tBack, drive1 + 0.08 * d), p: tool, grip: habit.grip, lift: 0.6, ang: wR, via: [0, -habit.arc * 0.6] },
    { t: Math.max(tLetGo, drive1 + 0.12 * d), p: tool, grip: 0.05, lift: 0, ang: wR },
    { t: d, p: habit.rest.R, grip: 0.5, lift: 0, ang: wR },
  ];
  const tookTool = tReach + (tTake - tReach) * 0.6;
  const putBack = right[6].t + (right[7].t - right[6].t) * 0.6;
  // A sloppy run leaves the screw only partly driven.
  const final = style === 'sloppy' ? 0.3 : 1;
  return {
    duration: d,
    tracks: { L: left, R: right },
    carries: [screw.carry, { side: 'R', what: 'screwdriver', t0: tookTool, t1: putBack, ang: RACK.angle }],
    placements: [{ ...screw.place, drive: { t0: drive0, t1: drive1, final } }],
    upright: { up0: tookTool, up1: drive0, down0: drive1, down1: right[6].t },
  };
}

// The six scenes of the demo SOP (equipment maintenance), as data. Coordinates are fractions
// of the rendered canvas; times are fractions u of the step's own duration, so a slower or
// faster performance shows the same motion at another speed.
//
// What makes the steps tell apart for a generic visual embedder: each step has its own
// background colour and texture (stripes, grid, checker, dots), its own framing of the machine
// and its own hand/tool path. Within a step, frames vary by motion, state changes, noise,
// flicker and camera jitter but keep the layout. A deviation keeps the scene (background,
// machine) and changes the action: another path, a wrong-coloured tool or part, and the
// step's state change not happening.

export type Vec = [number, number];

export type Path =
  | { kind: 'still'; at: Vec }
  | { kind: 'line'; from: Vec; to: Vec } // from -> to over the step
  | { kind: 'reach'; from: Vec; to: Vec } // from -> to -> back to from
  | { kind: 'circle'; c: Vec; r: Vec; turns: number }
  | { kind: 'sweep'; from: Vec; to: Vec; cycles: number } // back and forth
  | { kind: 'zigzag'; from: Vec; to: Vec; amp: Vec; cycles: number };

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  color: string; // 0xRRGGBB
  /** Visible for u in [from, to). */
  when?: [number, number];
  /** Blink with this period in seconds (visible the first half). */
  blinkSec?: number;
}

/** A moving box (hand, tool, part); its path gives the centre; offset shifts it (a tool held). */
export interface Mover {
  w: number;
  h: number;
  color: string;
  path: Path;
  offset?: Vec;
}

export type Texture =
  | { kind: 'hstripes' | 'vstripes'; color: string; period: number; thickness: number }
  | { kind: 'grid'; color: string; period: number; thickness: number }
  | { kind: 'checker'; color: string; cols: number; rows: number }
  | { kind: 'dots'; color: string; cols: number; rows: number; size: number };

export interface SceneLook {
  background: string;
  texture: Texture;
  boxes: Box[];
  movers: Mover[];
}

export interface StepScene {
  name: string;
  normal: SceneLook;
  /** The same scene with the action done differently. */
  deviation: SceneLook;
}

const MACHINE = '0x8d99ae';
const PANEL = '0x9aa5b1';
const DOOR = '0x44505c';
const CAVITY = '0x141414';
const HAND = '0xe0ac69';
const SCREWDRIVER = '0xffd400';
const WRONG_TOOL = '0xff00ff';
const GREEN = '0x2ecc40';
const RED = '0xff2020';
const FILTER_NEW = '0xf2f2f2';
const FILTER_OLD = '0x7b5b2b';
/** A foreign object in deviations (wrong part, tag, tool case): a colour no gold step shows. */
const WRONG_PART = '0xff8c00';

const on = (from: number, to = 1.01): [number, number] => [from, to];

function scene(name: string, normal: SceneLook, dev: Partial<SceneLook>): StepScene {
  return { name, normal, deviation: { ...normal, ...dev } };
}

export const DEMO_STEPS: StepScene[] = [
  scene(
    'power off',
    {
      background: '0x1c2541',
      texture: { kind: 'hstripes', color: '0x2e3f70', period: 0.125, thickness: 0.045 },
      boxes: [
        { x: 0.06, y: 0.25, w: 0.5, h: 0.62, color: MACHINE },
        { x: 0.64, y: 0.18, w: 0.28, h: 0.52, color: '0x3a3a3a' },
        { x: 0.72, y: 0.26, w: 0.12, h: 0.14, color: '0xd0d0d0' },
        { x: 0.75, y: 0.5, w: 0.07, h: 0.08, color: GREEN, when: [0, 0.55] },
        { x: 0.75, y: 0.5, w: 0.07, h: 0.08, color: RED, when: on(0.55) },
      ],
      movers: [{ w: 0.13, h: 0.16, color: HAND, path: { kind: 'reach', from: [0.3, 0.95], to: [0.78, 0.36] } }],
    },
    {
      // The hand goes to the machine body, not the switch, and hangs a wrong (orange) tag;
      // the light stays green.
      boxes: [
        { x: 0.06, y: 0.25, w: 0.5, h: 0.62, color: MACHINE },
        { x: 0.64, y: 0.18, w: 0.28, h: 0.52, color: '0x3a3a3a' },
        { x: 0.72, y: 0.26, w: 0.12, h: 0.14, color: '0xd0d0d0' },
        { x: 0.75, y: 0.5, w: 0.07, h: 0.08, color: GREEN },
        { x: 0.12, y: 0.32, w: 0.36, h: 0.45, color: WRONG_PART, when: on(0.12) },
      ],
      movers: [
        { w: 0.13, h: 0.16, color: HAND, path: { kind: 'circle', c: [0.3, 0.55], r: [0.15, 0.18], turns: 2 } },
        { w: 0.18, h: 0.08, color: WRONG_TOOL, path: { kind: 'circle', c: [0.3, 0.55], r: [0.15, 0.18], turns: 2 }, offset: [0.05, -0.09] },
      ],
    },
  ),
  scene(
    'open panel',
    {
      background: '0x5c5c1e',
      texture: { kind: 'vstripes', color: '0x80802e', period: 0.1, thickness: 0.035 },
      boxes: [
        { x: 0.15, y: 0.1, w: 0.7, h: 0.82, color: PANEL },
        { x: 0.25, y: 0.2, w: 0.5, h: 0.6, color: DOOR, when: [0, 0.4] },
        ...[[0.27, 0.22], [0.7, 0.22], [0.27, 0.74], [0.7, 0.74]].map(([x, y]) => ({ x, y, w: 0.03, h: 0.04, color: SCREWDRIVER, when: [0, 0.4] as [number, number] })),
        { x: 0.25, y: 0.2, w: 0.25, h: 0.6, color: DOOR, when: [0.4, 0.7] },
        { x: 0.5, y: 0.2, w: 0.25, h: 0.6, color: CAVITY, when: [0.4, 0.7] },
        { x: 0.25, y: 0.2, w: 0.5, h: 0.6, color: CAVITY, when: on(0.7) },
        { x: 0.17, y: 0.2, w: 0.07, h: 0.6, color: DOOR, when: on(0.7) },
        { x: 0.33, y: 0.3, w: 0.34, h: 0.4, color: FILTER_OLD, when: on(0.4) },
      ],
      movers: [
        { w: 0.04, h: 0.16, color: SCREWDRIVER, path: { kind: 'circle', c: [0.5, 0.5], r: [0.22, 0.26], turns: 1.5 } },
        { w: 0.11, h: 0.12, color: HAND, path: { kind: 'circle', c: [0.5, 0.5], r: [0.22, 0.26], turns: 1.5 }, offset: [0, 0.12] },
      ],
    },
    {
      // Hammering along the bottom with the wrong tool; the door stays shut and a wrong part
      // (orange) is held against it.
      boxes: [
        { x: 0.15, y: 0.1, w: 0.7, h: 0.82, color: PANEL },
        { x: 0.25, y: 0.2, w: 0.5, h: 0.6, color: DOOR },
        ...[[0.27, 0.22], [0.7, 0.22], [0.27, 0.74], [0.7, 0.74]].map(([x, y]) => ({ x, y, w: 0.03, h: 0.04, color: SCREWDRIVER })),
        { x: 0.3, y: 0.26, w: 0.4, h: 0.48, color: WRONG_PART, when: on(0.15) },
      ],
      movers: [
        { w: 0.18, h: 0.08, color: WRONG_TOOL, path: { kind: 'zigzag', from: [0.2, 0.85], to: [0.8, 0.85], amp: [0, 0.08], cycles: 4 } },
        { w: 0.11, h: 0.12, color: HAND, path: { kind: 'zigzag', from: [0.2, 0.85], to: [0.8, 0.85], amp: [0, 0.08], cycles: 4 }, offset: [0, 0.1] },
      ],
    },
  ),
  scene(
    'remove old filter',
    {
      background: '0x5a1a1a',
      texture: { kind: 'checker', color: '0x7a2828', cols: 8, rows: 6 },
      boxes: [
        { x: 0.08, y: 0.1, w: 0.56, h: 0.8, color: PANEL },
        { x: 0.16, y: 0.2, w: 0.4, h: 0.6, color: CAVITY },
        { x: 0.7, y: 0.62, w: 0.25, h: 0.33, color: '0x2f4f2f' },
      ],
      movers: [
        { w: 0.3, h: 0.44, color: FILTER_OLD, path: { kind: 'line', from: [0.36, 0.5], to: [0.82, 0.7] } },
        { w: 0.1, h: 0.12, color: HAND, path: { kind: 'line', from: [0.36, 0.5], to: [0.82, 0.7] }, offset: [0.14, 0] },
      ],
    },
    {
      // The old filter is left in place; the hand pokes around it with the wrong tool, a wrong
      // tool case (orange) stands open beside the machine.
      boxes: [
        { x: 0.08, y: 0.1, w: 0.56, h: 0.8, color: PANEL },
        { x: 0.16, y: 0.2, w: 0.4, h: 0.6, color: CAVITY },
        { x: 0.7, y: 0.62, w: 0.25, h: 0.33, color: '0x2f4f2f' },
        { x: 0.68, y: 0.08, w: 0.28, h: 0.34, color: WRONG_PART, when: on(0.1) },
      ],
      movers: [
        { w: 0.3, h: 0.44, color: FILTER_OLD, path: { kind: 'still', at: [0.36, 0.5] } },
        { w: 0.18, h: 0.08, color: WRONG_TOOL, path: { kind: 'sweep', from: [0.2, 0.15], to: [0.6, 0.15], cycles: 3 } },
        { w: 0.1, h: 0.12, color: HAND, path: { kind: 'sweep', from: [0.2, 0.15], to: [0.6, 0.15], cycles: 3 }, offset: [0.08, 0.06] },
      ],
    },
  ),
  scene(
    'insert new filter',
    {
      background: '0x14505a',
      texture: { kind: 'grid', color: '0x22808c', period: 0.125, thickness: 0.02 },
      boxes: [
        { x: 0.36, y: 0.1, w: 0.56, h: 0.8, color: PANEL },
        { x: 0.44, y: 0.2, w: 0.4, h: 0.6, color: CAVITY },
        { x: 0.03, y: 0.62, w: 0.24, h: 0.3, color: '0xc8a060' },
      ],
      movers: [
        { w: 0.3, h: 0.44, color: FILTER_NEW, path: { kind: 'line', from: [0.16, 0.42], to: [0.64, 0.5] } },
        { w: 0.1, h: 0.12, color: HAND, path: { kind: 'line', from: [0.16, 0.42], to: [0.64, 0.5] }, offset: [-0.14, 0.04] },
      ],
    },
    {
      // A wrong (red, smaller) part pushed to the wrong place, above the cavity.
      movers: [
        { w: 0.2, h: 0.26, color: '0xd02020', path: { kind: 'line', from: [0.16, 0.42], to: [0.64, 0.16] } },
        { w: 0.1, h: 0.12, color: HAND, path: { kind: 'line', from: [0.16, 0.42], to: [0.64, 0.16] }, offset: [-0.1, 0.04] },
      ],
    },
  ),
  scene(
    'close panel',
    {
      background: '0x3d2260',
      texture: { kind: 'hstripes', color: '0x5a3690', period: 0.25, thickness: 0.1 },
      boxes: [
        { x: 0.08, y: 0.08, w: 0.64, h: 0.84, color: PANEL },
        { x: 0.18, y: 0.2, w: 0.44, h: 0.6, color: CAVITY },
        { x: 0.24, y: 0.28, w: 0.32, h: 0.44, color: FILTER_NEW, when: [0, 0.65] },
        { x: 0.18, y: 0.2, w: 0.22, h: 0.6, color: DOOR, when: [0.35, 0.65] },
        { x: 0.18, y: 0.2, w: 0.44, h: 0.6, color: DOOR, when: on(0.65) },
        ...[[0.2, 0.22], [0.57, 0.22], [0.2, 0.74], [0.57, 0.74]].map(([x, y]) => ({ x, y, w: 0.03, h: 0.04, color: SCREWDRIVER, when: on(0.8) })),
      ],
      movers: [
        { w: 0.1, h: 0.13, color: HAND, path: { kind: 'sweep', from: [0.84, 0.22], to: [0.84, 0.82], cycles: 2 } },
        { w: 0.03, h: 0.14, color: SCREWDRIVER, path: { kind: 'sweep', from: [0.84, 0.22], to: [0.84, 0.82], cycles: 2 }, offset: [-0.06, -0.05] },
      ],
    },
    {
      // The door is never closed; a wrong cover (orange) is fitted over the opening and the hand
      // works at the top-left with the wrong tool.
      boxes: [
        { x: 0.08, y: 0.08, w: 0.64, h: 0.84, color: PANEL },
        { x: 0.18, y: 0.2, w: 0.44, h: 0.6, color: CAVITY },
        { x: 0.24, y: 0.28, w: 0.32, h: 0.44, color: FILTER_NEW },
        { x: 0.2, y: 0.22, w: 0.4, h: 0.56, color: WRONG_PART, when: on(0.15) },
      ],
      movers: [
        { w: 0.1, h: 0.13, color: HAND, path: { kind: 'circle', c: [0.25, 0.2], r: [0.12, 0.1], turns: 2 } },
        { w: 0.18, h: 0.08, color: WRONG_TOOL, path: { kind: 'circle', c: [0.25, 0.2], r: [0.12, 0.1], turns: 2 }, offset: [0.06, 0.06] },
      ],
    },
  ),
  scene(
    'power on and check',
    {
      background: '0x7a4414',
      texture: { kind: 'dots', color: '0x9a5a22', cols: 10, rows: 8, size: 0.03 },
      boxes: [
        { x: 0.04, y: 0.3, w: 0.46, h: 0.62, color: MACHINE },
        { x: 0.56, y: 0.1, w: 0.4, h: 0.32, color: '0x101820' },
        { x: 0.62, y: 0.52, w: 0.08, h: 0.09, color: RED, when: [0, 0.4] },
        { x: 0.62, y: 0.52, w: 0.08, h: 0.09, color: GREEN, when: on(0.4) },
        { x: 0.6, y: 0.15, w: 0.3, h: 0.04, color: '0x39ff14', when: on(0.45) },
        { x: 0.6, y: 0.22, w: 0.2, h: 0.04, color: '0x39ff14', when: on(0.5) },
        { x: 0.6, y: 0.29, w: 0.25, h: 0.04, color: '0x39ff14', when: on(0.55) },
        { x: 0.84, y: 0.5, w: 0.1, h: 0.12, color: GREEN, when: on(0.6), blinkSec: 0.6 },
      ],
      movers: [{ w: 0.11, h: 0.13, color: HAND, path: { kind: 'zigzag', from: [0.6, 0.9], to: [0.9, 0.76], amp: [0, 0.06], cycles: 3 } }],
    },
    {
      // Powered on wrongly: the light stays red, the display shows an error, a warning
      // (orange) sits on the machine.
      boxes: [
        { x: 0.04, y: 0.3, w: 0.46, h: 0.62, color: MACHINE },
        { x: 0.56, y: 0.1, w: 0.4, h: 0.32, color: '0x101820' },
        { x: 0.62, y: 0.52, w: 0.08, h: 0.09, color: RED },
        { x: 0.6, y: 0.15, w: 0.3, h: 0.04, color: '0xff3030', when: on(0.45), blinkSec: 0.4 },
        { x: 0.6, y: 0.22, w: 0.3, h: 0.04, color: '0xff3030', when: on(0.45), blinkSec: 0.4 },
        { x: 0.06, y: 0.34, w: 0.42, h: 0.5, color: WRONG_PART, when: on(0.15) },
      ],
      movers: [
        { w: 0.11, h: 0.13, color: HAND, path: { kind: 'circle', c: [0.27, 0.6], r: [0.14, 0.16], turns: 2 } },
        { w: 0.18, h: 0.08, color: WRONG_TOOL, path: { kind: 'circle', c: [0.27, 0.6], r: [0.14, 0.16], turns: 2 }, offset: [0.05, -0.08] },
      ],
    },
  ),
];

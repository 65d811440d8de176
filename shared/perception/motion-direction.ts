// Which way the work moves, not where: block matching between consecutive frames gives each
// moving block a displacement, and the frame's motion is summarised as a histogram of directions
// weighted by how much moved and how far. Pooled over the picture it does not depend on where
// the worker (or robot) stands, which the work grid does: raising an arm is upward motion at any
// place in the frame. Pure: no I/O.
import type { Frame } from '../vision/frame.js';
import { toGrey, type GreyImage, type Rect } from './image.js';

export const DIRECTION_BINS = 8;
/**
 * The product's regions: a histogram per third of the width and half of the height. Coarse
 * enough that a robot or worker a little elsewhere, or a camera moved a few per cent, stays in the
 * same region; fine enough that a step's motion at the shelf is not another's at the table.
 * Across takes it told more steps apart than any other family alone (step-separability.ts:
 * development 19/20 and 38/40 with the other takes as golds; the whole-picture histogram 16/20 and
 * 37/40; the work grid 18/20 and 33/40).
 */
export const MOTION_REGIONS = { cols: 3, rows: 2 } as const;
export const MOTION_DIM = DIRECTION_BINS * MOTION_REGIONS.cols * MOTION_REGIONS.rows;

export interface MotionDirectionOptions {
  /** Block side, pixels of the matched images (default 8). */
  block?: number;
  /** Search radius, pixels of the matched images (default 8: at 224 px and 4 fps, 8 px a frame). */
  radius?: number;
  /** Mean absolute frame difference a block needs to count as moving, grey levels (default 2). */
  minEnergy?: number;
  /** A match must cut the block's difference to this share of its unmoved difference (default 0.7). */
  maxResidual?: number;
  /** Mean absolute gradient a block needs to vote on the camera's motion, grey levels (default 4). */
  minTexture?: number;
  /**
   * A block is work only where its change stands out from the picture's typical one: at least
   * this many times the median block energy (default 3). Sensor noise and a shaking camera change
   * every block a little; a moving arm changes a few a lot.
   */
  relEnergy?: number;
  /** A histogram per coarse region of the picture, cols x rows (default 1 x 1: the whole picture). */
  regions?: { cols: number; rows: number };
}

/**
 * Direction histogram of the motion from `prev` to `cur` (same size), relative to the camera.
 * Each block of `cur` whose mean difference to `prev` exceeds minEnergy is matched in `prev`
 * within the radius (sum of absolute differences); a match that explains the change (residual
 * under maxResidual of the unmoved one) gives the block a displacement. The camera's own motion
 * (shake, a jittering mount) moves most of the textured picture alike: it is the median
 * displacement over the textured blocks, the unmoved ones counting as zero (where a third of the
 * picture's blocks are textured enough to vote; otherwise none), and it is taken off
 * every block's, so a shaking camera is not work and the worker's motion is measured against
 * the scene. Each block still moving, whose change stands out from the picture's typical one
 * (relEnergy: noise and shake change every block a little), then adds sqrt(energy x displacement) to the two direction
 * bins around its angle (linear split, so a direction between bins moves the vector smoothly),
 * in the histogram of its region. A change no shift explains (a light, a part appearing) adds
 * nothing: the work grid sees that. Length DIRECTION_BINS per region, regions row-major; bin 0
 * points right, bins turn counter-clockwise as seen on screen (bin 2: up).
 */
export function motionDirections(prev: GreyImage, cur: GreyImage, opts: MotionDirectionOptions = {}): Float32Array {
  if (prev.width !== cur.width || prev.height !== cur.height) throw new Error('motionDirections: frames differ in size');
  const B = opts.block ?? 8;
  const R = opts.radius ?? 8;
  const minEnergy = opts.minEnergy ?? 2;
  const minTexture = opts.minTexture ?? 4;
  const relEnergy = opts.relEnergy ?? 3;
  const maxResidual = opts.maxResidual ?? 0.7;
  const { width: w, height: h } = cur;
  const rc = opts.regions?.cols ?? 1;
  const rr = opts.regions?.rows ?? 1;
  const hist = new Float32Array(DIRECTION_BINS * rc * rr);
  // Sum of absolute differences; stops once past `limit` (a candidate already worse than the best
  // cannot win, and a sum only grows): the same matches at a fraction of the work.
  const sad = (x0: number, y0: number, dx: number, dy: number, limit = Infinity): number => {
    let s = 0;
    for (let y = 0; y < B; y++) {
      const cr = (y0 + y) * w + x0;
      const pr = (y0 + y + dy) * w + x0 + dx;
      for (let x = 0; x < B; x++) s += Math.abs(cur.data[cr + x] - prev.data[pr + x]);
      if (s > limit) return s;
    }
    return s;
  };
  // Mean absolute gradient inside the block: a flat block cannot tell where it moved.
  const texture = (x0: number, y0: number): number => {
    let s = 0;
    for (let y = 0; y < B - 1; y++) {
      const r = (y0 + y) * w + x0;
      for (let x = 0; x < B - 1; x++) s += Math.abs(cur.data[r + x + 1] - cur.data[r + x]) + Math.abs(cur.data[r + x + w] - cur.data[r + x]);
    }
    return s / ((B - 1) * (B - 1));
  };
  const moved: Array<{ bx: number; by: number; dx: number; dy: number; energy: number }> = [];
  const energies: number[] = [];
  // The displacements a block at (bx, by) can be searched over (the picture's edge cuts them).
  const range = (b: number, size: number): [number, number] => [Math.max(-R, -b), Math.min(R, size - B - b)];
  const votesX: number[] = [];
  const votesY: number[] = [];
  for (let by = 0; by + B <= h; by += B) {
    for (let bx = 0; bx + B <= w; bx += B) {
      const s0 = sad(bx, by, 0, 0);
      const energy = s0 / (B * B);
      energies.push(energy);
      if (energy < minEnergy) {
        if (texture(bx, by) >= minTexture) votesX.push(0), votesY.push(0);
        continue;
      }
      let best = s0;
      let bdx = 0;
      let bdy = 0;
      const [y0, y1] = range(by, h);
      const [x0, x1] = range(bx, w);
      for (let dy = y0; dy <= y1; dy++) {
        for (let dx = x0; dx <= x1; dx++) {
          const s = sad(bx, by, dx, dy, best);
          // Ties keep the shorter displacement: a flat block does not invent motion.
          if (s < best || (s === best && dx * dx + dy * dy < bdx * bdx + bdy * bdy)) (best = s), (bdx = dx), (bdy = dy);
        }
      }
      if (best > maxResidual * s0) continue;
      moved.push({ bx, by, dx: bdx, dy: bdy, energy });
      if (texture(bx, by) >= minTexture) votesX.push(bdx), votesY.push(bdy);
    }
  }
  // Only a picture textured enough to say (a third of its blocks voting) gives the camera's motion:
  // where few blocks can be located, those that move are the work, not the camera.
  const blocks = Math.floor(w / B) * Math.floor(h / B);
  const [gx, gy] = votesX.length * 3 >= blocks ? [median(votesX), median(votesY)] : [0, 0];
  const floor = relEnergy * medianOf(energies);
  for (const { bx, by, dx, dy, energy } of moved) {
    if (energy < floor) continue;
    // A block at the edge whose search could not reach the camera's shift matched something else.
    const [x0, x1] = range(bx, w);
    const [y0, y1] = range(by, h);
    if (gx < x0 || gx > x1 || gy < y0 || gy > y1) continue;
    // The block's content came from prev at +d: it moved by -d. Screen y grows downwards.
    const mx = -(dx - gx);
    const my = dy - gy;
    if (mx === 0 && my === 0) continue;
    const len = Math.hypot(mx, my);
    const a = ((Math.atan2(my, mx) / (2 * Math.PI)) * DIRECTION_BINS + DIRECTION_BINS) % DIRECTION_BINS;
    const k = Math.floor(a);
    const f = a - k;
    const wgt = Math.sqrt(energy * len);
    const region = Math.min(rr - 1, Math.floor(((by + B / 2) * rr) / h)) * rc + Math.min(rc - 1, Math.floor(((bx + B / 2) * rc) / w));
    hist[region * DIRECTION_BINS + (k % DIRECTION_BINS)] += (1 - f) * wgt;
    hist[region * DIRECTION_BINS + ((k + 1) % DIRECTION_BINS)] += f * wgt;
  }
  return hist;
}

function medianOf(v: number[]): number {
  if (!v.length) return 0;
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Median of integers (0 for none; the lower middle for an even count: still a displacement). */
function median(v: number[]): number {
  if (!v.length) return 0;
  const s = [...v].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1];
}

/**
 * Histogram magnitude of substantial motion on the stored frames (224 px wide, 4 fps): the median
 * over the moving frames of a real development take (task 3 take 1) is about 40. Frame features
 * are divided by it so they sit on the scale of the other families' (frame rows average raw
 * features), and a clip's direction part is weighted by min(1, its mean magnitude), so a clip with
 * next to no motion does not blow a few stray blocks up to a unit vector.
 */
export const MOTION_SCALE = 40;

/** Per-video: the previous frame's grey picture; frames must come in video order. */
export class MotionDirectionTracker {
  private prev: GreyImage | null = null;

  constructor(
    private readonly rect: Rect,
    private readonly opts: MotionDirectionOptions = {},
  ) {}

  /** The frame's direction histogram over MOTION_SCALE (zeros for the first frame). */
  next(frame: Frame): Float32Array {
    const g = toGrey(frame, this.rect);
    const h = this.prev ? motionDirections(this.prev, g, this.opts) : new Float32Array(DIRECTION_BINS * (this.opts.regions?.cols ?? 1) * (this.opts.regions?.rows ?? 1));
    this.prev = g;
    for (let i = 0; i < h.length; i++) h[i] /= MOTION_SCALE;
    return h;
  }
}

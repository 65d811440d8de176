// Composes the frames of one video: the static bench (drawn once for the video's camera), the
// parts placed so far in this run, the screwdriver in its rack or in a hand, then both arms;
// then the camera's sensor (gain, vignetting, noise). Pure apart from the buffers it reuses.
import { drawBench } from './bench.js';
import { choreograph, idle, sampleTrack, type Choreo, type Habit, type StepStyle } from './choreo.js';
import { drawArm, solveArm, type ArmGeometry, type HandPose, type Performer, type Side } from './hands.js';
import { drawItem, drawScrewdriver } from './items.js';
import { BENCH_STEPS, RACK } from './layout.js';
import { copyCanvas, expose, makeCamera, makeCanvas, makeVignette, type Camera, type Canvas, type View } from './raster.js';

/** The step index of the idle time before and after the work. */
export const IDLE = -1;

export interface SegmentSpec {
  /** A gold step index, or IDLE. */
  step: number;
  style: StepStyle;
  durationSec: number;
  /** Seeds this performance's paths and timing within the step. */
  seed: number;
}

export interface Shot {
  width: number;
  height: number;
  view: View;
  /** Exposure multiplier (1 = gold's light). */
  gain: number;
  /** Sensor noise amplitude (0..255 units); 0 for exact comparisons in tests. */
  noise: number;
  /** Auto-exposure drift: gain x (1 + amp sin(2 pi hz t + phase)); amp 0 holds the gain. */
  drift: { amp: number; hz: number; phase: number };
  noiseSeed: number;
}

export interface Performance {
  performer: Performer;
  habit: Habit;
  segments: SegmentSpec[];
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export class BenchFrames {
  readonly cam: Camera;
  readonly duration: number;
  private readonly base: Canvas;
  private readonly work: Canvas;
  private readonly vignette: Float32Array;
  private readonly choreos: Choreo[];
  private readonly starts: number[];

  constructor(readonly perf: Performance, readonly shot: Shot) {
    this.cam = makeCamera(shot.width, shot.height, shot.view);
    this.base = drawBench(this.cam);
    this.work = makeCanvas(shot.width, shot.height);
    this.vignette = makeVignette(shot.width, shot.height, 0.86);
    this.choreos = perf.segments.map((s) =>
      s.step === IDLE ? idle(s.durationSec, perf.habit, s.seed) : choreograph(BENCH_STEPS[s.step], s.style, s.durationSec, perf.habit, s.seed),
    );
    let t = 0;
    this.starts = perf.segments.map((s) => ((t += s.durationSec), t - s.durationSec));
    this.duration = t;
  }

  /** Which segment is on at time t, and how far into it. */
  private at(t: number): { i: number; local: number } {
    let i = 0;
    while (i < this.starts.length - 1 && t >= this.starts[i + 1]) i++;
    return { i, local: t - this.starts[i] };
  }

  /** Both hands' poses and arm geometry at time t (where the work is). */
  hands(t: number): Record<Side, { pose: HandPose; arm: ArmGeometry }> {
    const { i, local } = this.at(t);
    const one = (side: Side) => {
      const pose = sampleTrack(this.choreos[i].tracks[side], local);
      return { pose, arm: solveArm(this.perf.performer, side, pose) };
    };
    return { L: one('L'), R: one('R') };
  }

  /** The scene at time t, before the sensor (linear 0..255 floats). */
  scene(t: number): Canvas {
    const cv = this.work;
    const cam = this.cam;
    copyCanvas(cv, this.base);
    const { i, local } = this.at(t);
    const c = this.choreos[i];
    // Parts placed by earlier steps, then this step's once let go.
    for (let k = 0; k <= i; k++) {
      for (const p of this.choreos[k].placements) {
        if (k === i && local < p.t) continue;
        const progress = !p.drive ? 1 : k < i ? p.drive.final : p.drive.final * clamp01((local - p.drive.t0) / (p.drive.t1 - p.drive.t0));
        drawItem(cv, cam, p.item, p.at[0], p.at[1], p.ang, 0, progress);
      }
    }
    const tool = c.carries.find((x) => x.what === 'screwdriver' && local >= x.t0 && local < x.t1);
    if (!tool) drawScrewdriver(cv, cam, RACK.screwdriver[0], RACK.screwdriver[1], RACK.angle + Math.PI, 0, 0, 0);
    for (const side of ['L', 'R'] as Side[]) {
      const pose = sampleTrack(c.tracks[side], local);
      const held = c.carries.find((x) => x.side === side && local >= x.t0 && local < x.t1);
      drawArm(cv, cam, this.perf.performer, side, pose, held && ((g) => {
        if (held.what === 'screwdriver') {
          const u = c.upright!;
          const up = local < u.down0 ? clamp01((local - u.up0) / (u.up1 - u.up0)) : 1 - clamp01((local - u.down0) / (u.down1 - u.down0));
          drawScrewdriver(cv, cam, pose.x, pose.y, g.handAngle, pose.lift, up, g.handAngle * 4);
        } else {
          // A carried part turns a little with the hand, squared up to its mark as it is set down.
          const settle = clamp01((held.t1 - local) / (0.35 * (held.t1 - held.t0)));
          drawItem(cv, cam, held.what, pose.x, pose.y, held.ang + (g.handAngle + Math.PI / 2) * 0.15 * settle, pose.lift);
        }
      }));
    }
    return cv;
  }

  /** The frame at time t as the camera records it (rgb24). */
  frame(t: number, frameIndex: number, out: Uint8Array): Uint8Array {
    const { amp, hz, phase } = this.shot.drift;
    const gain = this.shot.gain * (1 + amp * Math.sin(2 * Math.PI * hz * t + phase));
    expose(this.scene(t), out, gain, this.shot.noise, this.shot.noiseSeed * 7919 + frameIndex + 1, this.vignette);
    return out;
  }
}

/**
 * The motion-direction part of the hybrid-work vector (perception/motion-direction.ts): per frame,
 * which way the picture's moving blocks went since the previous frame, pooled over the whole
 * picture's coarse regions (MOTION_REGIONS), so it hardly depends on where the work happens. Per video (it follows
 * the frames in order), like the work grid.
 */
import { poolClipFeatures, type FrameFeatureEmbedder } from './embedder.js';
import type { Frame } from './frame.js';
import type { Rect } from '../perception/image.js';
import { MOTION_DIM, MOTION_REGIONS, MotionDirectionTracker, DIRECTION_BINS } from '../perception/motion-direction.js';

export const MOTION_VERSION = `v1-d${DIRECTION_BINS}-r${MOTION_REGIONS.cols}x${MOTION_REGIONS.rows}`;

export function motionDirectionPart(rect: Rect): FrameFeatureEmbedder {
  const tracker = new MotionDirectionTracker(rect, { regions: MOTION_REGIONS });
  return {
    name: 'motion',
    version: MOTION_VERSION,
    frameDim: MOTION_DIM,
    dim: 2 * MOTION_DIM,
    async embedClips() {
      throw new Error('per-video motion part: frames only (in video order)');
    },
    async embedFrames(frames: Frame[]) {
      return frames.map((f) => tracker.next(f));
    },
    // Mean and trend as the other parts pool, scaled by the clip's motion (min 1): a still clip's
    // part is about zero, not a unit vector of stray blocks.
    combineClip(features: Float32Array[]) {
      const out = poolClipFeatures(features, { pooling: 'concat' });
      let m = 0;
      for (let i = 0; i < MOTION_DIM; i++) {
        let s = 0;
        for (const f of features) s += f[i];
        m += (s / features.length) ** 2;
      }
      const k = Math.min(1, Math.sqrt(m));
      for (let i = 0; i < out.length; i++) out[i] *= k;
      return out;
    },
  };
}

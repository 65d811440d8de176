/**
 * The "work" embedder: per frame, where the picture differs from the video's static scene and
 * where it moves, on a 28x16 grid (perception/work-features.ts); clips pool their frames'
 * grids ('concat': mean and trend). It needs the video's scene still, so the embed stage asks
 * it for a per-video extractor (forScene) instead of calling embedFrames directly.
 */
import { poolClipFeatures, type ClipEmbedder, type FrameFeatureEmbedder } from './embedder.js';
import type { Frame } from './frame.js';
import type { GreyImage, Rect } from '../perception/image.js';
import { WORK_GRID, WorkFeatureExtractor, gridFor, workFeatureDim } from '../perception/work-features.js';

export interface SceneEmbedder extends ClipEmbedder {
  /** A per-video embedder whose frame features are relative to this scene (frames in order). */
  forScene(background: GreyImage, rect: Rect): FrameFeatureEmbedder;
}

export function isSceneEmbedder(e: ClipEmbedder): e is SceneEmbedder {
  return typeof (e as SceneEmbedder).forScene === 'function';
}

export class WorkClipEmbedder implements SceneEmbedder {
  readonly name = 'work';
  readonly version = `v1-g${WORK_GRID.cols}x${WORK_GRID.rows}`;
  readonly frameDim = workFeatureDim({ rect: { x: 0, y: 0, width: 1, height: 1 }, ...WORK_GRID });
  readonly dim = 2 * this.frameDim;

  async embedClips(): Promise<Float32Array[]> {
    throw new Error('the work embedder needs the video scene: use forScene()');
  }

  forScene(background: GreyImage, rect: Rect): FrameFeatureEmbedder {
    const ex = new WorkFeatureExtractor(gridFor(rect), background);
    const parent = this;
    return {
      name: parent.name,
      version: parent.version,
      dim: parent.dim,
      frameDim: parent.frameDim,
      async embedClips() {
        throw new Error('per-video work embedder: frames only');
      },
      async embedFrames(frames: Frame[]) {
        return frames.map((f) => ex.next(f));
      },
      combineClip(features: Float32Array[]) {
        return poolClipFeatures(features, { pooling: 'concat' });
      },
    };
  }
}

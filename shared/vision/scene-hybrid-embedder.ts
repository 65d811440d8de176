/**
 * The "hybrid-work" embedder: the hybrid's whole-frame appearance (backbone + colour/layout)
 * beside the work grid (change against the video's own scene still, and motion;
 * work-embedder.ts). Appearance tells steps apart where each has its own look (the synthetic
 * demo); across real takes of one task it does not, and the scene-relative grid does
 * (docs/scoring.md, "Which features tell the steps apart"). The grid is the vector's tail, so
 * registration can resample it into the gold's camera (score-jobs/register.ts).
 */
import type { FrameFeatureEmbedder } from './embedder.js';
import type { GreyImage, Rect } from '../perception/image.js';
import { HybridClipEmbedder } from './hybrid-embedder.js';
import { WorkClipEmbedder, type SceneEmbedder } from './work-embedder.js';

export class SceneHybridEmbedder implements SceneEmbedder {
  readonly name = 'hybrid-work';
  readonly version: string;
  readonly dim: number;
  private readonly work = new WorkClipEmbedder();

  /** workWeight: the grid's share of a clip vector's cosine (the rest is appearance). */
  constructor(
    private readonly appearance: FrameFeatureEmbedder,
    private readonly workWeight = 0.7,
  ) {
    if (!(workWeight > 0 && workWeight < 1)) throw new Error('workWeight must be in (0, 1)');
    this.dim = appearance.dim + this.work.dim;
    this.version = `${appearance.name}@${appearance.version}+work@${this.work.version}+w${workWeight}`;
  }

  /** Length of the grid part at the end of every vector. */
  get gridDim(): number {
    return this.work.dim;
  }

  async embedClips(): Promise<Float32Array[]> {
    throw new Error('the hybrid-work embedder needs the video scene: use forScene()');
  }

  forScene(background: GreyImage, rect: Rect): FrameFeatureEmbedder {
    const h = new HybridClipEmbedder(this.appearance, this.work.forScene(background, rect), 1 - this.workWeight);
    return {
      name: this.name,
      version: this.version,
      dim: h.dim,
      frameDim: h.frameDim,
      embedClips: (clips) => h.embedClips(clips),
      embedFrames: (frames) => h.embedFrames(frames),
      combineClip: (features) => h.combineClip(features),
    };
  }
}

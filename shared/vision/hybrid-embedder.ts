import type { FrameFeatureEmbedder } from './embedder.js';
import type { Frame } from './frame.js';
import { WeightedParts } from './weighted-parts.js';

/**
 * Appearance (a pretrained backbone) and layout/colour/motion (the heuristic features) in one
 * clip vector, the cosine the weighted mean of the parts' cosines (weighted-parts.ts): a step
 * done with the wrong motion, which a backbone trained on object categories barely sees, still
 * moves the similarity.
 */
export class HybridClipEmbedder implements FrameFeatureEmbedder {
  readonly name = 'hybrid';
  readonly version: string;
  readonly dim: number;
  readonly frameDim: number;
  private readonly parts: WeightedParts;

  constructor(
    private readonly appearance: FrameFeatureEmbedder,
    private readonly layout: FrameFeatureEmbedder,
    appearanceWeight = 0.5,
  ) {
    if (!(appearanceWeight > 0 && appearanceWeight < 1)) throw new Error('appearanceWeight must be in (0, 1)');
    this.parts = new WeightedParts([
      { embedder: appearance, weight: appearanceWeight },
      { embedder: layout, weight: 1 - appearanceWeight },
    ]);
    this.dim = this.parts.dim;
    this.frameDim = this.parts.frameDim;
    this.version = `${appearance.name}@${appearance.version}+${layout.name}@${layout.version}+w${appearanceWeight}`;
  }

  /** Where the backbone runs ('cuda' | 'cpu'), for metrics. */
  get provider(): string | undefined {
    return (this.appearance as { provider?: string }).provider;
  }

  get batchSize(): number | undefined {
    return (this.appearance as { batchSize?: number }).batchSize;
  }

  async embedFrames(frames: Frame[]): Promise<Float32Array[]> {
    return this.parts.join(await Promise.all([this.appearance.embedFrames(frames), this.layout.embedFrames(frames)]));
  }

  combineClip(frameFeatures: Float32Array[]): Float32Array {
    return this.parts.combineClip(frameFeatures);
  }

  async embedClips(clips: Frame[][]): Promise<Float32Array[]> {
    return Promise.all(clips.map(async (c) => this.combineClip(await this.embedFrames(c))));
  }
}

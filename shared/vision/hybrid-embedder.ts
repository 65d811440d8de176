import type { FrameFeatureEmbedder } from './embedder.js';
import type { Frame } from './frame.js';

/**
 * Appearance (a pretrained backbone) and layout/colour/motion (the heuristic features) in one
 * clip vector. Each part is unit-length and weighted by sqrt(w), so the cosine of two hybrid
 * vectors is the weighted mean of the parts' cosines: a step done with the wrong motion, which
 * a backbone trained on object categories barely sees, still moves the similarity.
 */
export class HybridClipEmbedder implements FrameFeatureEmbedder {
  readonly name = 'hybrid';
  readonly version: string;
  readonly dim: number;
  readonly frameDim: number;
  private readonly wa: number;
  private readonly wb: number;

  constructor(
    private readonly appearance: FrameFeatureEmbedder,
    private readonly layout: FrameFeatureEmbedder,
    appearanceWeight = 0.5,
  ) {
    if (!(appearanceWeight > 0 && appearanceWeight < 1)) throw new Error('appearanceWeight must be in (0, 1)');
    this.wa = Math.sqrt(appearanceWeight);
    this.wb = Math.sqrt(1 - appearanceWeight);
    this.dim = appearance.dim + layout.dim;
    this.frameDim = appearance.frameDim + layout.frameDim;
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
    const [a, b] = await Promise.all([this.appearance.embedFrames(frames), this.layout.embedFrames(frames)]);
    return a.map((fa, i) => {
      const out = new Float32Array(this.frameDim);
      out.set(fa, 0);
      out.set(b[i], fa.length);
      return out;
    });
  }

  combineClip(frameFeatures: Float32Array[]): Float32Array {
    const ad = this.appearance.frameDim;
    const ca = this.appearance.combineClip(frameFeatures.map((f) => f.subarray(0, ad)));
    const cb = this.layout.combineClip(frameFeatures.map((f) => f.subarray(ad)));
    const out = new Float32Array(this.dim);
    for (let i = 0; i < ca.length; i++) out[i] = ca[i] * this.wa;
    for (let i = 0; i < cb.length; i++) out[ca.length + i] = cb[i] * this.wb;
    return out; // unit length: wa^2 + wb^2 = 1 and both parts are unit length
  }

  async embedClips(clips: Frame[][]): Promise<Float32Array[]> {
    return Promise.all(clips.map(async (c) => this.combineClip(await this.embedFrames(c))));
  }
}

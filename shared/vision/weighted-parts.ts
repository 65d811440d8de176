import type { FrameFeatureEmbedder } from './embedder.js';

export interface WeightedPart {
  embedder: FrameFeatureEmbedder;
  /** The part's share of a clip vector's cosine; the shares sum to 1. */
  weight: number;
}

/**
 * Several frame-feature families side by side in one vector. Each part's clip vector is unit
 * length and scaled by sqrt(weight), so the cosine of two joined vectors is the weighted mean
 * of the parts' cosines, and the joined vector is unit length too.
 */
export class WeightedParts {
  readonly dim: number;
  readonly frameDim: number;
  private readonly scale: number[];

  constructor(readonly parts: WeightedPart[]) {
    if (!parts.length) throw new Error('no parts');
    for (const p of parts) if (!(p.weight > 0 && p.weight < 1)) throw new Error(`part ${p.embedder.name}: weight must be in (0, 1)`);
    const sum = parts.reduce((s, p) => s + p.weight, 0);
    if (Math.abs(sum - 1) > 1e-9) throw new Error(`part weights sum to ${sum}, not 1`);
    this.scale = parts.map((p) => Math.sqrt(p.weight));
    this.dim = parts.reduce((s, p) => s + p.embedder.dim, 0);
    this.frameDim = parts.reduce((s, p) => s + p.embedder.frameDim, 0);
  }

  /** One frame feature per frame from each part's features of the same frames. */
  join(perPart: Float32Array[][]): Float32Array[] {
    return perPart[0].map((_, i) => {
      const out = new Float32Array(this.frameDim);
      let o = 0;
      for (const feats of perPart) {
        out.set(feats[i], o);
        o += feats[i].length;
      }
      return out;
    });
  }

  combineClip(frameFeatures: Float32Array[]): Float32Array {
    const out = new Float32Array(this.dim);
    let fo = 0;
    let o = 0;
    this.parts.forEach((p, k) => {
      const fd = p.embedder.frameDim;
      const c = p.embedder.combineClip(frameFeatures.map((f) => f.subarray(fo, fo + fd)));
      for (let i = 0; i < c.length; i++) out[o + i] = c[i] * this.scale[k];
      fo += fd;
      o += c.length;
    });
    return out;
  }
}

/**
 * The "hybrid-work" embedder: appearance beside the motion directions (which way the moving
 * blocks went, per region of the picture; motion-embedder.ts) and the work grid (change against
 * the video's own scene still, and motion; work-embedder.ts). Appearance tells steps apart where
 * each has its own look (the synthetic demo); across real takes of one task it does not, and the
 * scene-relative grid and the motion directions do (docs/scoring.md, "Which features tell the
 * steps apart"). The grid is the vector's tail, so registration can resample it into the gold's
 * camera (score-jobs/register.ts); the motion part, coarse and relative to the camera, is not.
 *
 * With a `region` backbone, the backbone looks where the work is (the box around the change,
 * perception/work-region.ts) instead of at the whole frame, where the work is a small part and
 * the backbone sees mostly the room; the whole-frame part (colour, coarse layout) stays beside it.
 */
import type { FrameFeatureEmbedder } from './embedder.js';
import type { Frame } from './frame.js';
import type { GreyImage, Rect } from '../perception/image.js';
import { WORK_GRID } from '../perception/work-features.js';
import { MOTION_DIM } from '../perception/motion-direction.js';
import { WorkRegionTracker, cropFrame } from '../perception/work-region.js';
import { WorkClipEmbedder, type SceneEmbedder } from './work-embedder.js';
import { WeightedParts, type WeightedPart } from './weighted-parts.js';
import { l2normalize } from './embedder.js';
import { MOTION_VERSION, motionDirectionPart } from './motion-embedder.js';

export interface SceneHybridParts {
  /** Appearance of the whole frame (the hybrid, or the heuristic alone). */
  frame: FrameFeatureEmbedder;
  /** A backbone run on the work region's crop, beside `frame`. */
  region?: FrameFeatureEmbedder;
  /** The region part's share of the appearance (default 0.5). */
  regionShare?: number;
  /** The grid's share of a clip vector's cosine (default 0.5). */
  workWeight?: number;
  /** The motion directions' share (default 0.2; 0: no motion part). The rest is appearance. */
  motionWeight?: number;
}

export class SceneHybridEmbedder implements SceneEmbedder {
  readonly name = 'hybrid-work';
  readonly version: string;
  readonly dim: number;
  private readonly work = new WorkClipEmbedder();
  private readonly frame: FrameFeatureEmbedder;
  private readonly region?: FrameFeatureEmbedder;
  /** The appearance parts with their shares, in vector order (the region crop first). */
  private readonly head: WeightedPart[];
  private readonly workWeight: number;
  private readonly motionWeight: number;

  constructor(parts: SceneHybridParts) {
    const ww = parts.workWeight ?? 0.5;
    const mw = parts.motionWeight ?? 0.2;
    if (!(ww > 0 && ww < 1)) throw new Error('workWeight must be in (0, 1)');
    if (!(mw >= 0 && ww + mw < 1)) throw new Error('motionWeight must be >= 0 and leave appearance a share (workWeight + motionWeight < 1)');
    const rs = parts.regionShare ?? 0.5;
    if (parts.region && !(rs > 0 && rs < 1)) throw new Error('regionShare must be in (0, 1)');
    this.frame = parts.frame;
    this.region = parts.region;
    this.workWeight = ww;
    this.motionWeight = mw;
    const app = 1 - ww - mw;
    this.head = this.region
      ? [{ embedder: this.region, weight: app * rs }, { embedder: this.frame, weight: app * (1 - rs) }]
      : [{ embedder: this.frame, weight: app }];
    const f = this.frame;
    this.dim = (this.region?.dim ?? 0) + f.dim + (mw > 0 ? 2 * MOTION_DIM : 0) + this.work.dim;
    const appearance = this.region
      ? `${this.region.name}@${this.region.version}@work-region+${f.name}@${f.version}+w${rs}`
      : `${f.name}@${f.version}`;
    this.version = `${appearance}${mw > 0 ? `+motion@${MOTION_VERSION}+w${mw}` : ''}+work@${this.work.version}+w${ww}`;
  }

  /** Length of the grid part at the end of every vector. */
  get gridDim(): number {
    return this.work.dim;
  }

  /** Where the backbone runs ('cuda' | 'cpu'), for metrics. */
  get provider(): string | undefined {
    return ((this.region ?? this.frame) as { provider?: string }).provider;
  }

  get batchSize(): number | undefined {
    return ((this.region ?? this.frame) as { batchSize?: number }).batchSize;
  }

  async embedClips(): Promise<Float32Array[]> {
    throw new Error('the hybrid-work embedder needs the video scene: use forScene()');
  }

  forScene(background: GreyImage, rect: Rect): FrameFeatureEmbedder {
    const grid = this.work.forScene(background, rect);
    const motion = this.motionWeight > 0 ? motionDirectionPart(rect) : null;
    const parts = new WeightedParts([...this.head, ...(motion ? [{ embedder: motion, weight: this.motionWeight }] : []), { embedder: grid, weight: this.workWeight }]);
    const cells = WORK_GRID.cols * WORK_GRID.rows;
    const tracker = new WorkRegionTracker(WORK_GRID.cols, WORK_GRID.rows, rect.width / rect.height);
    const region = this.region;
    const frame = this.frame;
    // Frames must come in video order: the grid and the region tracker follow the video.
    // The frame part starts first: the backbone runs on ONNX Runtime's threads while the grid is
    // computed here; the region crops need the grid, so that backbone starts after it.
    const embedFrames = async (frames: Frame[]): Promise<Float32Array[]> => {
      const whole = frame.embedFrames(frames);
      whole.catch(() => undefined); // awaited below; not unhandled if the grid fails first
      const g = await grid.embedFrames(frames);
      const crops = region ? region.embedFrames(frames.map((f, i) => cropFrame(f, tracker.next(g[i].subarray(0, cells)), rect))) : null;
      const heads = crops ? [await crops, await whole] : [await whole];
      const moved = motion ? [await motion.embedFrames(frames)] : [];
      return parts.join([...heads, ...moved, g]);
    };
    return {
      name: this.name,
      version: this.version,
      dim: parts.dim,
      frameDim: parts.frameDim,
      embedFrames,
      // The motion part is scaled by how much moved (motion-embedder.ts): renormalise the whole.
      combineClip: (features) => l2normalize(parts.combineClip(features)),
      async embedClips() {
        throw new Error('per-video hybrid-work embedder: frames only (in video order)');
      },
    };
  }
}

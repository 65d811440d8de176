/**
 * Picks the clip embedder: 'onnx' (the shipped or a given ONNX model alone), 'heuristic' (no
 * model), 'hybrid' (an ONNX image backbone + the heuristic layout/motion features), or 'auto'
 * (hybrid when an image model loads, the ONNX model alone for a video model, else heuristic).
 * Returns the reason for the choice so the caller can log it once.
 */
import type { ClipEmbedder } from './embedder.js';
import { HeuristicClipEmbedder, type HeuristicEmbedderOptions } from './heuristic-embedder.js';
import { OnnxClipEmbedder, type GpuMode, type OnnxEmbedderOptions } from './onnx-embedder.js';
import { HybridClipEmbedder } from './hybrid-embedder.js';
import { SceneHybridEmbedder } from './scene-hybrid-embedder.js';
import { WorkClipEmbedder } from './work-embedder.js';

export type EmbedderBackend = 'auto' | 'onnx' | 'heuristic' | 'hybrid' | 'work' | 'hybrid-work';

export interface CreateEmbedderOptions extends Omit<OnnxEmbedderOptions, 'useGpu'> {
  backend?: EmbedderBackend;
  useGpu?: GpuMode;
  heuristic?: HeuristicEmbedderOptions;
  /** Share of the backbone in a hybrid clip vector's cosine (default 0.5). */
  appearanceWeight?: number;
  /** Share of the work grid in a hybrid-work clip vector's cosine (default 0.5). */
  workWeight?: number;
  /** Share of the motion directions in a hybrid-work clip vector's cosine (default 0.2; 0: none). */
  motionWeight?: number;
  /** What the backbone looks at in hybrid-work: the whole frame (default) or the box around the work. */
  backboneView?: BackboneView;
}

export type BackboneView = 'work-region' | 'frame';

export async function createEmbedder(opts: CreateEmbedderOptions = {}): Promise<{ embedder: ClipEmbedder; reason: string }> {
  const backend = opts.backend ?? 'auto';
  if (!['auto', 'onnx', 'heuristic', 'hybrid', 'work', 'hybrid-work'].includes(backend)) throw new Error(`unknown embedder backend '${backend}' (auto|onnx|hybrid|heuristic|work|hybrid-work)`);
  if (backend === 'work') {
    const w = new WorkClipEmbedder();
    return { embedder: w, reason: `work: change against the static scene and motion on a grid, dim ${w.dim}` };
  }
  if (backend === 'heuristic') return { embedder: new HeuristicClipEmbedder(opts.heuristic), reason: 'heuristic (requested)' };
  try {
    const e = await OnnxClipEmbedder.create(opts);
    const desc = `${e.name} ${e.version} (${e.kind} model, input ${e.input.layout} ${e.input.h}x${e.input.w}${e.input.t ? ` T=${e.input.t}` : ''}, dim ${e.dim}, batch ${e.batchSize}) on ${e.providerReason}`;
    if ((backend === 'auto' || backend === 'hybrid' || backend === 'hybrid-work') && e.kind === 'image') {
      const heuristic = new HeuristicClipEmbedder(opts.heuristic);
      const share = opts.appearanceWeight ?? 0.5;
      if (backend === 'hybrid') {
        const h = new HybridClipEmbedder(e, heuristic, share);
        return { embedder: h, reason: `hybrid: onnx ${desc} + heuristic layout/motion features, dim ${h.dim}` };
      }
      const view = opts.backboneView ?? 'frame';
      if (view !== 'work-region' && view !== 'frame') throw new Error(`unknown backbone view '${view}' (work-region|frame)`);
      const s =
        view === 'work-region'
          ? new SceneHybridEmbedder({ region: e, frame: heuristic, regionShare: share, workWeight: opts.workWeight, motionWeight: opts.motionWeight })
          : new SceneHybridEmbedder({ frame: new HybridClipEmbedder(e, heuristic, share), workWeight: opts.workWeight, motionWeight: opts.motionWeight });
      const what = view === 'work-region' ? `onnx ${desc} on the work region + heuristic on the frame` : `hybrid (onnx ${desc} + heuristic) on the frame`;
      return { embedder: s, reason: `hybrid-work: ${what}, beside motion directions and the work grid (${s.version}), dim ${s.dim}` };
    }
    if (backend === 'hybrid' || backend === 'hybrid-work') throw new Error(`${backend} needs an image model; ${e.name} is a ${e.kind} model`);
    return {
      embedder: e,
      reason: `onnx ${e.name} ${e.version} (${e.kind} model, input ${e.input.layout} ${e.input.h}x${e.input.w}${e.input.t ? ` T=${e.input.t}` : ''}, dim ${e.dim}, batch ${e.batchSize}) on ${e.providerReason}`,
    };
  } catch (err) {
    if (backend === 'onnx' || backend === 'hybrid' || backend === 'hybrid-work') throw err;
    // Without the model, the heuristic takes the appearance part beside the work grid.
    const s = new SceneHybridEmbedder({ frame: new HeuristicClipEmbedder(opts.heuristic), workWeight: opts.workWeight, motionWeight: opts.motionWeight });
    return { embedder: s, reason: `hybrid-work on the heuristic (onnx model failed to load: ${(err as Error).message.split('\n')[0]})` };
  }
}

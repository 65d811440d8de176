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
import { WorkClipEmbedder } from './work-embedder.js';

export type EmbedderBackend = 'auto' | 'onnx' | 'heuristic' | 'hybrid' | 'work';

export interface CreateEmbedderOptions extends Omit<OnnxEmbedderOptions, 'useGpu'> {
  backend?: EmbedderBackend;
  useGpu?: GpuMode;
  heuristic?: HeuristicEmbedderOptions;
  /** Share of the backbone in a hybrid clip vector's cosine (default 0.5). */
  appearanceWeight?: number;
}

export async function createEmbedder(opts: CreateEmbedderOptions = {}): Promise<{ embedder: ClipEmbedder; reason: string }> {
  const backend = opts.backend ?? 'auto';
  if (!['auto', 'onnx', 'heuristic', 'hybrid', 'work'].includes(backend)) throw new Error(`unknown embedder backend '${backend}' (auto|onnx|hybrid|heuristic|work)`);
  if (backend === 'work') {
    const w = new WorkClipEmbedder();
    return { embedder: w, reason: `work: change against the static scene and motion on a grid, dim ${w.dim}` };
  }
  if (backend === 'heuristic') return { embedder: new HeuristicClipEmbedder(opts.heuristic), reason: 'heuristic (requested)' };
  try {
    const e = await OnnxClipEmbedder.create(opts);
    const desc = `${e.name} ${e.version} (${e.kind} model, input ${e.input.layout} ${e.input.h}x${e.input.w}${e.input.t ? ` T=${e.input.t}` : ''}, dim ${e.dim}, batch ${e.batchSize}) on ${e.providerReason}`;
    if ((backend === 'auto' || backend === 'hybrid') && e.kind === 'image') {
      const h = new HybridClipEmbedder(e, new HeuristicClipEmbedder(opts.heuristic), opts.appearanceWeight ?? 0.5);
      return { embedder: h, reason: `hybrid: onnx ${desc} + heuristic layout/motion features, dim ${h.dim}` };
    }
    if (backend === 'hybrid') throw new Error(`hybrid needs an image model; ${e.name} is a ${e.kind} model`);
    return {
      embedder: e,
      reason: `onnx ${e.name} ${e.version} (${e.kind} model, input ${e.input.layout} ${e.input.h}x${e.input.w}${e.input.t ? ` T=${e.input.t}` : ''}, dim ${e.dim}, batch ${e.batchSize}) on ${e.providerReason}`,
    };
  } catch (err) {
    if (backend === 'onnx' || backend === 'hybrid') throw err;
    return { embedder: new HeuristicClipEmbedder(opts.heuristic), reason: `heuristic (onnx model failed to load: ${(err as Error).message.split('\n')[0]})` };
  }
}

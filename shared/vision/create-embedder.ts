/**
 * Picks the clip embedder: 'onnx' (the shipped or a given ONNX model), 'heuristic' (no model),
 * or 'auto' (onnx if the model loads, else heuristic). Returns the reason for the choice so the
 * caller can log it once.
 */
import type { ClipEmbedder } from './embedder.js';
import { HeuristicClipEmbedder, type HeuristicEmbedderOptions } from './heuristic-embedder.js';
import { OnnxClipEmbedder, type GpuMode, type OnnxEmbedderOptions } from './onnx-embedder.js';

export type EmbedderBackend = 'auto' | 'onnx' | 'heuristic';

export interface CreateEmbedderOptions extends Omit<OnnxEmbedderOptions, 'useGpu'> {
  backend?: EmbedderBackend;
  useGpu?: GpuMode;
  heuristic?: HeuristicEmbedderOptions;
}

export async function createEmbedder(opts: CreateEmbedderOptions = {}): Promise<{ embedder: ClipEmbedder; reason: string }> {
  const backend = opts.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'onnx' && backend !== 'heuristic') throw new Error(`unknown embedder backend '${backend}' (auto|onnx|heuristic)`);
  if (backend === 'heuristic') return { embedder: new HeuristicClipEmbedder(opts.heuristic), reason: 'heuristic (requested)' };
  try {
    const e = await OnnxClipEmbedder.create(opts);
    return {
      embedder: e,
      reason: `onnx ${e.name} ${e.version} (${e.kind} model, input ${e.input.layout} ${e.input.h}x${e.input.w}${e.input.t ? ` T=${e.input.t}` : ''}, dim ${e.dim}, batch ${e.batchSize}) on ${e.providerReason}`,
    };
  } catch (err) {
    if (backend === 'onnx') throw err;
    return { embedder: new HeuristicClipEmbedder(opts.heuristic), reason: `heuristic (onnx model failed to load: ${(err as Error).message.split('\n')[0]})` };
  }
}

/**
 * One way to open an onnxruntime-node session for every model here: CUDA when its provider
 * library is installed (and the session opens), else CPU, with the reason recorded.
 */
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
// Loaded lazily in openSession(): a missing/broken native binding then surfaces as an error
// the caller can fall back from, instead of failing at import time.
import type * as ort from 'onnxruntime-node';

export type GpuMode = 'auto' | 'true' | 'false';

/** Whether onnxruntime-node has its CUDA provider library next to the binding (the npm install script downloads it; offline installs skip it). */
export function cudaProviderInstalled(): boolean {
  try {
    const req = createRequire(import.meta.url);
    const binDir = join(dirname(req.resolve('onnxruntime-node')), '..', 'bin');
    for (const napi of readdirSync(binDir)) {
      const dir = join(binDir, napi, process.platform, process.arch);
      if (existsSync(join(dir, 'libonnxruntime_providers_cuda.so')) || existsSync(join(dir, 'onnxruntime_providers_cuda.dll'))) return true;
    }
  } catch {
    /* no bin dir: not installed */
  }
  return false;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  rt: typeof ort;
  provider: 'cuda' | 'cpu';
  providerReason: string;
}

/** 'auto': CUDA when its provider library is installed, else CPU; 'true': CUDA or throw; 'false': CPU. */
export async function openSession(bytes: Uint8Array, opts: { useGpu?: GpuMode; threads?: number } = {}): Promise<OpenedSession> {
  const rt = await import('onnxruntime-node');
  const base: ort.InferenceSession.SessionOptions = {
    logSeverityLevel: 3,
    graphOptimizationLevel: 'all',
    intraOpNumThreads: opts.threads ?? availableParallelism(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
  const gpu = opts.useGpu ?? 'auto';
  let session: ort.InferenceSession | null = null;
  let provider: 'cuda' | 'cpu' = 'cpu';
  let providerReason: string;
  if (gpu === 'false') providerReason = 'cpu (GPU disabled by option)';
  else if (!cudaProviderInstalled()) {
    if (gpu === 'true') throw new Error('useGpu=true but the onnxruntime-node CUDA provider library is not installed');
    providerReason = 'cpu (onnxruntime-node CUDA provider not installed)';
  } else {
    try {
      session = await rt.InferenceSession.create(bytes, { ...base, executionProviders: ['cuda', 'cpu'] });
      provider = 'cuda';
      providerReason = 'cuda (CUDA provider installed and session created)';
    } catch (e) {
      if (gpu === 'true') throw new Error(`useGpu=true but creating a CUDA session failed: ${(e as Error).message}`);
      providerReason = `cpu (CUDA session failed: ${(e as Error).message.split('\n')[0]})`;
    }
  }
  session ??= await rt.InferenceSession.create(bytes, { ...base, executionProviders: ['cpu'] });
  return { session, rt, provider, providerReason };
}

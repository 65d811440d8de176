/**
 * Loads the native DTW addon (native/build/Release/sopilot_dtw.node) and the optional CUDA
 * library it can dlopen, and wraps their calls. Loading never throws: failures are recorded as
 * messages so the caller can fall back to the TypeScript path and say why.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DtwVariant } from './types.js';

export type Isa = 'avx512' | 'avx2' | 'scalar';
const ISA_LEVEL: Record<Isa, number> = { scalar: 0, avx2: 1, avx512: 2 };
const VARIANT_CODE: Record<DtwVariant, number> = { full: 0, subsequence: 1, open_end: 2, open_begin_end: 3 };

export interface RawResult {
  cost: number;
  path: Int32Array; // flattened pairs
}

/** The addon's exports (see native/src/addon.cc). */
export interface NativeAddon {
  cpuInfo(): { isa: Isa; isaLevel: number; threads: number };
  cost(a: Float32Array, n: number, b: Float32Array, m: number, d: number, isa: number, threads: number): Float32Array;
  dtwFromCost(cost: Float32Array, n: number, m: number, variant: number, band: number, isa: number): RawResult;
  dtwBatch(gold: Float32Array, n: number, refs: Float32Array[], ms: number[], d: number, variant: number, band: number, isa: number, threads: number): RawResult[];
  dtwBatchAsync(gold: Float32Array, n: number, refs: Float32Array[], ms: number[], d: number, variant: number, band: number, isa: number, threads: number): Promise<RawResult[]>;
  cudaLoad(path: string): { loaded: boolean; devices: number; message: string };
  cudaDtwBatch(gold: Float32Array, n: number, refs: Float32Array[], ms: number[], d: number, variant: number, band: number): RawResult[];
  cudaDtwBatchAsync(gold: Float32Array, n: number, refs: Float32Array[], ms: number[], d: number, variant: number, band: number): Promise<RawResult[]>;
  cudaCost(a: Float32Array, n: number, b: Float32Array, m: number, d: number): Float32Array;
  /** The scoring engine's passes (native/src/score_kernels.h), bit-identical to center.ts / visits.ts. */
  rowMean?(x: Float32Array, n: number, d: number): Float64Array;
  centerRows?(x: Float32Array, n: number, d: number, mean: Float64Array): void;
  consecutiveDots?(x: Float32Array, n: number, d: number): Float64Array;
  alignWithDrops?(cost: Float32Array, n: number, m: number, drop: number, jump: number, jumpRow: Float64Array | null): Int32Array;
}

export interface LoadState {
  addon: NativeAddon | null;
  addonPath: string | null;
  addonMessage: string;
  cudaLoaded: boolean;
  cudaDevices: number;
  cudaLibraryPath: string | null;
  cudaMessage: string;
}

/** Walks up from this module to find native/build/Release (works from the sources and from dist/). */
export function findReleaseDir(start: string = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = start;
  for (let k = 0; k < 6; k++) {
    const cand = join(dir, 'native', 'build', 'Release');
    if (existsSync(join(cand, 'sopilot_dtw.node'))) return cand;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

let state: LoadState | null = null;

/**
 * Loads the addon once. addonPath / cudaLibraryPath override the search (defaults: found by
 * walking up to native/build/Release). loadCuda=false skips the CUDA library altogether.
 */
export function loadNative(opts: { addonPath?: string; cudaLibraryPath?: string; loadCuda?: boolean } = {}): LoadState {
  if (state) return state;
  const s: LoadState = {
    addon: null,
    addonPath: null,
    addonMessage: '',
    cudaLoaded: false,
    cudaDevices: 0,
    cudaLibraryPath: null,
    cudaMessage: 'CUDA not tried',
  };
  const release = opts.addonPath ? dirname(opts.addonPath) : findReleaseDir();
  const path = opts.addonPath ?? (release ? join(release, 'sopilot_dtw.node') : null);
  if (!path || !existsSync(path)) {
    s.addonMessage = 'native DTW addon not built (native/build/Release/sopilot_dtw.node missing; run `npm run build`)';
  } else {
    try {
      const require = createRequire(import.meta.url);
      s.addon = require(path) as NativeAddon;
      s.addonPath = path;
      const info = s.addon.cpuInfo();
      s.addonMessage = `native addon loaded (${info.isa}, ${info.threads} threads)`;
    } catch (e) {
      s.addonMessage = `native DTW addon failed to load: ${(e as Error).message}`;
    }
  }
  if (s.addon && opts.loadCuda !== false) {
    const lib = opts.cudaLibraryPath ?? (release ? join(release, 'libsopilot_dtw_cuda.so') : null);
    if (!lib || !existsSync(lib)) {
      s.cudaMessage = 'CUDA library not built (no nvcc at build time)';
    } else {
      const r = s.addon.cudaLoad(lib);
      s.cudaLoaded = r.loaded;
      s.cudaDevices = r.devices;
      s.cudaLibraryPath = lib;
      s.cudaMessage = r.message;
    }
  } else if (!s.addon) {
    s.cudaMessage = 'CUDA needs the native addon, which is not loaded';
  } else {
    s.cudaMessage = 'CUDA disabled by configuration';
  }
  state = s;
  return s;
}

export function isaCode(isa: Isa | undefined): number {
  return isa === undefined ? -1 : ISA_LEVEL[isa];
}

export function variantCode(v: DtwVariant): number {
  return VARIANT_CODE[v];
}

export function toPairs(flat: Int32Array): Array<[number, number]> {
  const out: Array<[number, number]> = new Array(flat.length / 2);
  for (let k = 0; k < out.length; k++) out[k] = [flat[2 * k], flat[2 * k + 1]];
  return out;
}

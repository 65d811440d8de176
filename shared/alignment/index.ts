/**
 * DTW entry points. Picks the fastest backend that loaded: CUDA (library built, a device present
 * and the GPU allowed) > native addon (SIMD + threads) > TypeScript reference. All backends
 * compute the same recurrence with the same tie-breaking (see dtw-reference.ts, docs/dtw.md).
 *
 * Inputs are L2-normalised row vectors; the cost is 1 - dot and is not renormalised here.
 */
import { checkInputs, checkOptions, cosineCostMatrix, dtwFromCost, dtwReference } from './dtw-reference.js';
import { isaCode, loadNative, toPairs, variantCode, type Isa, type LoadState, type NativeAddon, type RawResult } from './native-backend.js';
import type { DtwBackend, DtwOptions, DtwResult, Matrix } from './types.js';

export type { Isa } from './native-backend.js';
export { bandLimits, cosineCostMatrix, dtwFromCost, dtwReference, effectiveBand } from './dtw-reference.js';

export type DtwBackendChoice = 'auto' | DtwBackend;
/** 'auto': GPU when present; 'true': GPU required (error if unavailable); 'false': never. */
export type UseGpu = 'auto' | 'true' | 'false';

export interface DtwRunOptions extends DtwOptions {
  /** Default 'auto'. Naming a backend that is not available throws (with the reason). */
  backend?: DtwBackendChoice;
  /** Default from configureDtw (itself default 'auto'). */
  useGpu?: UseGpu;
  /** CPU threads for the native cost kernel; default 0 = one per hardware thread. */
  threads?: number;
  /** Native code path, for tests and benchmarks; default: best the CPU supports. */
  isa?: Isa;
}

export interface DtwConfig {
  /** Default GPU policy; default 'auto'. */
  useGpu?: UseGpu;
  /** Explicit addon file; default: found under native/build/Release. */
  addonPath?: string;
  /** Explicit CUDA library file; default: next to the addon. */
  cudaLibraryPath?: string;
  /** false: the scoring engine's centring and visits alignment stay on TypeScript (default true: native when loaded). */
  nativeScoring?: boolean;
}

export interface DtwBackendInfo {
  /** What 'auto' selects now. */
  selected: DtwBackend;
  native: { available: boolean; isa: Isa | null; threads: number; message: string };
  cuda: { available: boolean; devices: number; allowed: boolean; message: string };
  /** Everything that was reported through onBackendWarning so far. */
  warnings: string[];
}

let config: DtwConfig = {};
const warningHandlers = new Set<(msg: string) => void>();
const warned = new Set<string>();

/**
 * Registers a handler for backend warnings (addon not built, CUDA failed...). Each distinct
 * message is delivered once. Returns a function that unregisters the handler.
 */
export function onBackendWarning(fn: (msg: string) => void): () => void {
  warningHandlers.add(fn);
  for (const w of warned) fn(w);
  return () => warningHandlers.delete(fn);
}

function warn(msg: string): void {
  if (warned.has(msg)) return;
  warned.add(msg);
  for (const fn of warningHandlers) fn(msg);
}

/** Sets paths and the default GPU policy. Paths only take effect before the first DTW call. */
export function configureDtw(c: DtwConfig): void {
  config = { ...config, ...c };
}

function native(): LoadState {
  const s = loadNative({ addonPath: config.addonPath, cudaLibraryPath: config.cudaLibraryPath, loadCuda: config.useGpu !== 'false' });
  if (!s.addon) warn(`DTW: using the TypeScript backend: ${s.addonMessage}`);
  return s;
}

function pickBackend(opts: DtwRunOptions | undefined): DtwBackend {
  const choice = opts?.backend ?? 'auto';
  const useGpu = opts?.useGpu ?? config.useGpu ?? 'auto';
  if (choice === 'ts') return 'ts';
  const s = native();
  if (choice === 'cuda' || (choice === 'auto' && useGpu === 'true')) {
    if (useGpu === 'false') throw new Error("DTW: backend 'cuda' requested but useGpu is 'false'");
    if (!s.cudaLoaded) throw new Error(`DTW: CUDA backend not available: ${s.cudaMessage}`);
    return 'cuda';
  }
  if (choice === 'native') {
    if (!s.addon) throw new Error(`DTW: native backend not available: ${s.addonMessage}`);
    return 'native';
  }
  if (useGpu === 'auto' && s.cudaLoaded) return 'cuda';
  return s.addon ? 'native' : 'ts';
}

/**
 * The native addon when it loaded (and was built with the scoring passes), else null: the
 * scoring engine's centring and visits alignment (center.ts, visits.ts) run there, with results
 * bit-identical to their TypeScript references.
 */
export function nativeScoringKernels(): (Required<Pick<NativeAddon, 'rowMean' | 'centerRows' | 'alignWithDrops'>> & Pick<NativeAddon, 'consecutiveDots'>) | null {
  if (config.nativeScoring === false) return null;
  const a = native().addon;
  return a && a.rowMean && a.centerRows && a.alignWithDrops ? (a as Required<NativeAddon>) : null;
}

/** What loaded, what 'auto' would pick, and why. */
export function dtwBackendInfo(): DtwBackendInfo {
  const s = native();
  const allowed = (config.useGpu ?? 'auto') !== 'false';
  const cpu = s.addon?.cpuInfo();
  return {
    selected: pickBackend({}),
    native: { available: !!s.addon, isa: cpu?.isa ?? null, threads: cpu?.threads ?? 0, message: s.addonMessage },
    cuda: { available: s.cudaLoaded && allowed, devices: s.cudaDevices, allowed, message: s.cudaMessage },
    warnings: [...warned],
  };
}

function finish(r: RawResult, backend: DtwBackend): DtwResult {
  const path = toPairs(r.path);
  return { cost: r.cost, normalizedCost: r.cost / path.length, path, backend };
}

function nativeArgs(gold: Matrix, refs: Matrix[], opts: DtwRunOptions | undefined) {
  const variant = checkOptions(opts);
  for (const r of refs) checkInputs(gold, r);
  return [
    gold.data,
    gold.rows,
    refs.map((r) => r.data),
    refs.map((r) => r.rows),
    gold.dim,
    variantCode(variant),
    opts?.band ?? -1,
  ] as const;
}

/** Aligns query a against reference b (synchronous; blocks the event loop for the duration). */
export function dtw(a: Matrix, b: Matrix, opts?: DtwRunOptions): DtwResult {
  return dtwBatch(a, [b], opts)[0];
}

/** Like dtw, but native and CUDA work runs on a worker thread. */
export async function dtwAsync(a: Matrix, b: Matrix, opts?: DtwRunOptions): Promise<DtwResult> {
  return (await dtwBatchAsync(a, [b], opts))[0];
}

/** One gold sequence against many trainee sequences; CUDA runs them as one batch. */
export function dtwBatch(gold: Matrix, trainees: Matrix[], opts?: DtwRunOptions): DtwResult[] {
  const backend = pickBackend(opts);
  if (backend === 'ts') return trainees.map((t) => dtwReference(gold, t, opts));
  const args = nativeArgs(gold, trainees, opts);
  const addon = native().addon!;
  if (backend === 'cuda') return addon.cudaDtwBatch(...args).map((r) => finish(r, 'cuda'));
  return addon.dtwBatch(...args, isaCode(opts?.isa), opts?.threads ?? 0).map((r) => finish(r, 'native'));
}

/** Async dtwBatch (off the JS thread on native and CUDA). */
export async function dtwBatchAsync(gold: Matrix, trainees: Matrix[], opts?: DtwRunOptions): Promise<DtwResult[]> {
  const backend = pickBackend(opts);
  if (backend === 'ts') return trainees.map((t) => dtwReference(gold, t, opts));
  const args = nativeArgs(gold, trainees, opts);
  const addon = native().addon!;
  if (backend === 'cuda') return (await addon.cudaDtwBatchAsync(...args)).map((r) => finish(r, 'cuda'));
  const raw = await addon.dtwBatchAsync(...args, isaCode(opts?.isa), opts?.threads ?? 0);
  return raw.map((r) => finish(r, 'native'));
}

/** The whole query matched inside any contiguous part of ref (free start and end on ref). */
export function subsequenceAlign(query: Matrix, ref: Matrix, opts?: Omit<DtwRunOptions, 'variant'>): DtwResult {
  return dtw(query, ref, { ...opts, variant: 'subsequence' });
}

/** Cosine cost matrix on the chosen backend (n*m row-major). */
export function costMatrix(a: Matrix, b: Matrix, opts?: Pick<DtwRunOptions, 'backend' | 'useGpu' | 'threads' | 'isa'>): Float32Array {
  const backend = pickBackend(opts);
  checkInputs(a, b);
  if (backend === 'ts') return cosineCostMatrix(a, b);
  const addon = native().addon!;
  if (backend === 'cuda') return addon.cudaCost(a.data, a.rows, b.data, b.rows, a.dim);
  return addon.cost(a.data, a.rows, b.data, b.rows, a.dim, isaCode(opts?.isa), opts?.threads ?? 0);
}

/** DTW on a precomputed cost matrix; 'native' runs the SIMD DP (CUDA has no cost-only entry: uses native). */
export function dtwOnCost(cost: Float32Array, n: number, m: number, opts?: DtwRunOptions): DtwResult {
  const backend = pickBackend({ ...opts, useGpu: 'false', backend: opts?.backend === 'cuda' ? 'native' : opts?.backend });
  if (backend === 'ts') return dtwFromCost(cost, n, m, opts);
  const variant = checkOptions(opts);
  if (!Number.isInteger(n) || !Number.isInteger(m) || n <= 0 || m <= 0) {
    throw new RangeError(`DTW: empty or invalid cost matrix shape ${n}x${m}`);
  }
  if (cost.length < n * m) throw new RangeError(`DTW: cost has ${cost.length} values, needs ${n * m}`);
  const r = native().addon!.dtwFromCost(cost, n, m, variantCode(variant), opts?.band ?? -1, isaCode(opts?.isa));
  return finish(r, 'native');
}

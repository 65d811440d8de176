// DTW benchmark: cost matrix + DP + path, square sizes, dim 768, every available backend, with
// yardsticks measured in the same run (the addon's GEMM alone, NumPy's BLAS GEMM, and the
// original Python method: NumPy matmul + anti-diagonal DP + trace matrix + backtrack).
// Prints a table (ratios against the NumPy method of the same run) and writes
// benchmarks/results/dtw.json. The machine is often shared, so the load average before and after
// is printed too.
// Usage: npm run bench:dtw [-- --sizes 500,1000 --budget-ms 1500 --backends native,numpy_method]
// --backends limits the rows to these names (native, native_gemm, cuda, ts, numpy_method,
// blas_gemm, native_batch, cuda_batch); a run limited by --sizes or --backends merges its rows
// into the existing JSON (same n, m, dim, backend replaced) instead of overwriting the whole file.
// *_batch rows: one gold against --batch trainees in one dtwBatch call (search and re-scoring
// do this), reported per pair, with a `batch` field; sizes above --batch-max-n are skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { costMatrix, dtw, dtwBackendInfo, dtwBatch } from '../../shared/alignment/index.js';
import type { Matrix } from '../../shared/alignment/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const k = argv.indexOf(`--${name}`);
  return k >= 0 && argv[k + 1] ? argv[k + 1] : dflt;
};
const SIZES = arg('sizes', '500,1000,2000,4000').split(',').map(Number);
const DIM = Number(arg('dim', '768'));
const BUDGET_MS = Number(arg('budget-ms', '1500')); // per backend and size
const TS_MAX_N = Number(arg('ts-max', '2000')); // the TS path at 4000 takes ~30 s a run
const MIN_RUNS = Number(arg('min-runs', '3'));
const ALL_BACKENDS = ['native', 'native_gemm', 'cuda', 'ts', 'numpy_method', 'blas_gemm', 'native_batch', 'cuda_batch'];
const BATCH = Number(arg('batch', '32'));
const BATCH_MAX_N = Number(arg('batch-max-n', '2000'));
const BACKENDS = arg('backends', ALL_BACKENDS.join(',')).split(',');
for (const b of BACKENDS) if (!ALL_BACKENDS.includes(b)) throw new Error(`unknown backend ${b} (known: ${ALL_BACKENDS.join(', ')})`);
const want = (b: string) => BACKENDS.includes(b);
const PARTIAL = argv.includes('--sizes') || argv.includes('--backends');

interface Row { n: number; m: number; dim: number; backend: string; ms_median: number; ms_min: number; runs: number; batch?: number }

function randomMatrix(rows: number, dim: number, seed: number): Matrix {
  let s = seed >>> 0 || 1;
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    let q = 0;
    for (let k = 0; k < dim; k++) {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      const v = s / 4294967296 - 0.5;
      data[i * dim + k] = v;
      q += v * v;
    }
    const inv = 1 / Math.sqrt(q);
    for (let k = 0; k < dim; k++) data[i * dim + k] *= inv;
  }
  return { rows, dim, data };
}

function stats(times: number[]): { ms_median: number; ms_min: number; runs: number } {
  const s = [...times].sort((x, y) => x - y);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { ms_median: +median.toFixed(3), ms_min: +s[0].toFixed(3), runs: s.length };
}

/** One warm-up, then runs until the budget is spent (at least minRuns, at most maxRuns). */
function time(fn: () => void, minRuns = MIN_RUNS, maxRuns = Math.max(15, MIN_RUNS)): number[] {
  fn();
  const out: number[] = [];
  const start = performance.now();
  while (out.length < maxRuns && (out.length < minRuns || performance.now() - start < BUDGET_MS)) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

function numpyAvailable(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

const info = dtwBackendInfo();
const rows: Row[] = [];
const notes: string[] = [];
const hasNumpy = (want('numpy_method') || want('blas_gemm')) && numpyAvailable();
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`cpu: ${cpus()[0]?.model ?? '?'} x ${cpus().length}; load average (1/5/15 min) before: ${load()}`);
console.log(`native: ${info.native.message}`);
console.log(`cuda:   ${info.cuda.available ? info.cuda.message : `skipped (${info.cuda.message})`}`);
if (!hasNumpy && (want('numpy_method') || want('blas_gemm'))) notes.push('python3 with numpy not found: numpy_method and blas_gemm skipped');

for (const n of SIZES) {
  const m = n;
  const a = randomMatrix(n, DIM, 1);
  const b = randomMatrix(m, DIM, 2);
  const add = (backend: string, t: number[]) => rows.push({ n, m, dim: DIM, backend, ...stats(t) });
  if (info.native.available && want('native')) add('native', time(() => dtw(a, b, { backend: 'native' })));
  if (info.native.available && want('native_gemm')) add('native_gemm', time(() => costMatrix(a, b, { backend: 'native' })));
  if (info.cuda.available && want('cuda')) {
    add('cuda', time(() => dtw(a, b, { backend: 'cuda' })));
  }
  const batchOf = (backend: 'native' | 'cuda', key: string) => {
    if (!want(key)) return;
    if (n > BATCH_MAX_N) {
      notes.push(`${key} skipped at ${n}x${m} (above --batch-max-n ${BATCH_MAX_N})`);
      return;
    }
    const trainees = Array.from({ length: BATCH }, (_, k) => randomMatrix(m, DIM, 3 + k));
    const perPair = time(() => dtwBatch(a, trainees, { backend }), 2, 5).map((t) => t / BATCH);
    rows.push({ n, m, dim: DIM, backend: key, ...stats(perPair), batch: BATCH });
  };
  if (info.native.available) batchOf('native', 'native_batch');
  if (info.cuda.available) batchOf('cuda', 'cuda_batch');
  if (!want('ts')) {
    // not requested
  } else if (n <= TS_MAX_N) {
    const runs = n <= 500 ? 3 : 1;
    add('ts', time(() => dtw(a, b, { backend: 'ts' }), runs, runs));
  } else {
    notes.push(`ts skipped at ${n}x${m}: a single run takes tens of seconds (raise with --ts-max)`);
  }
  if (hasNumpy) {
    const runs = Number(arg('numpy-runs', String(n >= 4000 ? 1 : n >= 2000 ? 2 : 3)));
    const r = spawnSync('python3', [join(here, 'numpy_dtw.py'), String(n), String(m), String(DIM), String(runs)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (r.status === 0) {
      const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { method_ms: number[]; gemm_ms: number[] };
      if (want('numpy_method')) add('numpy_method', j.method_ms);
      if (want('blas_gemm')) add('blas_gemm', j.gemm_ms);
    } else {
      notes.push(`numpy yardstick failed at ${n}: ${r.stderr.trim().split('\n').pop()}`);
    }
  }
}

// Table: ratios against the NumPy method and the TS path of the same size.
const pad = (s: string, w: number) => s.padStart(w);
console.log(`\nDTW ${DIM}-d, cost + DP + path (ms; *_batch: per pair in a batch of ${BATCH})`);
console.log(`${pad('n', 6)} ${pad('backend', 14)} ${pad('median', 10)} ${pad('min', 10)} ${pad('runs', 5)} ${pad('vs numpy', 9)} ${pad('vs ts', 8)}`);
for (const r of rows) {
  const np = rows.find((x) => x.n === r.n && x.backend === 'numpy_method');
  const ts = rows.find((x) => x.n === r.n && x.backend === 'ts');
  const ratio = (base?: Row) => (base ? `${(base.ms_median / r.ms_median).toFixed(1)}x` : '-');
  console.log(
    `${pad(String(r.n), 6)} ${pad(r.backend, 14)} ${pad(r.ms_median.toFixed(2), 10)} ${pad(r.ms_min.toFixed(2), 10)} ${pad(String(r.runs), 5)} ${pad(ratio(np), 9)} ${pad(ratio(ts), 8)}`,
  );
}
for (const note of notes) console.log(`note: ${note}`);
console.log(`load average after: ${load()}`);

const out = join(here, '..', 'results', 'dtw.json');
mkdirSync(dirname(out), { recursive: true });
const key = (r: Row) => `${r.n}x${r.m}x${r.dim}:${r.backend}`;
const previous: Row[] = PARTIAL && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Row[]) : [];
const fresh = new Set(rows.map(key));
const merged = [...previous.filter((r) => !fresh.has(key(r))), ...rows].sort(
  (x, y) => x.n - y.n || x.m - y.m || x.dim - y.dim || ALL_BACKENDS.indexOf(x.backend) - ALL_BACKENDS.indexOf(y.backend),
);
writeFileSync(out, `${JSON.stringify(merged, null, 2)}\n`);
console.log(PARTIAL ? `merged ${rows.length} rows into ${out}` : `wrote ${out}`);

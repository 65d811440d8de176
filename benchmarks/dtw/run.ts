// DTW benchmark: cost matrix + DP + path, square sizes, dim 768, every available backend, with
// yardsticks measured in the same run (the addon's GEMM alone, NumPy's BLAS GEMM, and the
// original Python method: NumPy matmul + anti-diagonal DP + trace matrix + backtrack).
// Prints a table and writes benchmarks/results/dtw.json.
// Usage: npm run bench:dtw [-- --sizes 500,1000 --budget-ms 1500]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { costMatrix, dtw, dtwBackendInfo } from '../../shared/alignment/index.js';
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

interface Row { n: number; m: number; dim: number; backend: string; ms_median: number; ms_min: number; runs: number }

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
function time(fn: () => void, minRuns = 3, maxRuns = 15): number[] {
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
const hasNumpy = numpyAvailable();
console.log(`native: ${info.native.message}`);
console.log(`cuda:   ${info.cuda.available ? info.cuda.message : `skipped (${info.cuda.message})`}`);
if (!hasNumpy) notes.push('python3 with numpy not found: numpy_method and blas_gemm skipped');

for (const n of SIZES) {
  const m = n;
  const a = randomMatrix(n, DIM, 1);
  const b = randomMatrix(m, DIM, 2);
  const add = (backend: string, t: number[]) => rows.push({ n, m, dim: DIM, backend, ...stats(t) });
  if (info.native.available) {
    add('native', time(() => dtw(a, b, { backend: 'native' })));
    add('native_gemm', time(() => costMatrix(a, b, { backend: 'native' })));
  }
  if (info.cuda.available) {
    add('cuda', time(() => dtw(a, b, { backend: 'cuda' })));
  }
  if (n <= TS_MAX_N) {
    const runs = n <= 500 ? 3 : 1;
    add('ts', time(() => dtw(a, b, { backend: 'ts' }), runs, runs));
  } else {
    notes.push(`ts skipped at ${n}x${m}: a single run takes tens of seconds (raise with --ts-max)`);
  }
  if (hasNumpy) {
    const runs = n >= 4000 ? 1 : n >= 2000 ? 2 : 3;
    const r = spawnSync('python3', [join(here, 'numpy_dtw.py'), String(n), String(m), String(DIM), String(runs)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (r.status === 0) {
      const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { method_ms: number[]; gemm_ms: number[] };
      add('numpy_method', j.method_ms);
      add('blas_gemm', j.gemm_ms);
    } else {
      notes.push(`numpy yardstick failed at ${n}: ${r.stderr.trim().split('\n').pop()}`);
    }
  }
}

// Table: ratios against the NumPy method and the TS path of the same size.
const pad = (s: string, w: number) => s.padStart(w);
console.log(`\nDTW ${DIM}-d, cost + DP + path (ms)`);
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

const out = join(here, '..', 'results', 'dtw.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`);
console.log(`wrote ${out}`);

import type { Matrix } from '../alignment/types.js';

/**
 * A task adapter: the mean clip vector of a task's footage. Subtracting it (then re-normalising)
 * removes what every clip of that workplace shares (background, lighting, the machine itself),
 * so cosine distances reflect what differs between steps.
 */
export interface TaskAdapter {
  kind: 'mean-centering';
  embedder: string;
  dim: number;
  mean: number[];
  clips: number;
  videos: number;
}

export function fitAdapter(embedder: string, matrices: Matrix[]): TaskAdapter {
  const dim = matrices[0]?.dim ?? 0;
  if (!dim) throw new Error('no clip vectors to fit an adapter on');
  const mean = new Float64Array(dim);
  let n = 0;
  for (const m of matrices) {
    if (m.dim !== dim) throw new Error(`dimension mismatch: ${m.dim} vs ${dim}`);
    for (let i = 0; i < m.rows; i++) {
      for (let k = 0; k < dim; k++) mean[k] += m.data[i * dim + k];
      n++;
    }
  }
  for (let k = 0; k < dim; k++) mean[k] /= n;
  return { kind: 'mean-centering', embedder, dim, mean: Array.from(mean), clips: n, videos: matrices.length };
}

export function applyAdapter(a: TaskAdapter, m: Matrix): Matrix {
  if (m.dim !== a.dim) throw new Error(`adapter is for ${a.dim}-d vectors, got ${m.dim}`);
  const out = new Float32Array(m.data.length);
  for (let i = 0; i < m.rows; i++) {
    let norm = 0;
    for (let k = 0; k < m.dim; k++) {
      const v = m.data[i * m.dim + k] - a.mean[k];
      out[i * m.dim + k] = v;
      norm += v * v;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < m.dim; k++) out[i * m.dim + k] *= inv;
  }
  return { rows: m.rows, dim: m.dim, data: out };
}

/** Mean cosine between different steps' clips minus within-step: how separable steps are (lower = better). */
export function stepSeparation(m: Matrix, stepOf: number[]): { within: number; between: number } {
  let w = 0, wn = 0, b = 0, bn = 0;
  for (let i = 0; i < m.rows; i++) {
    for (let j = i + 1; j < m.rows; j++) {
      let c = 0;
      for (let k = 0; k < m.dim; k++) c += m.data[i * m.dim + k] * m.data[j * m.dim + k];
      if (stepOf[i] === stepOf[j]) { w += c; wn++; } else { b += c; bn++; }
    }
  }
  return { within: wn ? w / wn : 0, between: bn ? b / bn : 0 };
}

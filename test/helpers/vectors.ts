/** Vector helpers for tests: plain arithmetic on number arrays. */

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? d / Math.sqrt(na * nb) : 0;
}

/**
 * Clips as the pipeline makes them by default from rendered rows taken as frames: 8 frames (2 s
 * at 4 fps), one every frame (0.25 s), each the L2-normalised sum of its frames; the render's
 * cuts in seconds.
 */
export function clipsEveryFrame(v: { emb: { rows: number; dim: number; data: Float32Array }; cuts: number[] }, len = 8, fps = 4) {
  const { rows, dim, data } = v.emb;
  const n = rows - len + 1;
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) {
      let t = 0;
      for (let f = i; f < i + len; f++) t += data[f * dim + k];
      out[i * dim + k] = t;
      s += t * t;
    }
    s = Math.sqrt(s);
    for (let k = 0; k < dim; k++) out[i * dim + k] /= s;
  }
  const times = { start_sec: Array.from({ length: n }, (_, i) => i / fps), end_sec: Array.from({ length: n }, (_, i) => (i + len) / fps) };
  return { emb: { rows: n, dim, data: out }, times, truthSec: v.cuts.slice(1, -1).map((f) => f / fps) };
}

/**
 * MoveNet SinglePose decode: the post-processing the TF.js graph does after its heads, redone
 * in TypeScript (models/convert-movenet.ts cuts the ONNX graph at the heads). Step by step, as
 * in the original graph (node names from movenet-lightning.json):
 *  1. centre = argmax over the 48x48 cells of `center` (already weighted by the model's
 *     1/(distance to frame centre + 1.8), so the person nearest the middle wins) — ArgMax, FloorDiv;
 *  2. per keypoint k, regressed position r_k = centre + regress[centre][2k, 2k+1] — GatherNd;
 *  3. per keypoint, best cell = argmax of heatmap_k / (distance to r_k + 1.8) — SquaredDifference,
 *     Sqrt, RealDiv, ArgMax: the strongest heat near where the centre says that joint should be;
 *  4. position = (cell + offset[cell][2k, 2k+1]) / 48, score = heatmap_k at that cell (unweighted).
 * Ties resolve to the first cell in row-major order, as TF's ArgMax does. The constants are the
 * model's float16 values (1.8 and 1/48 as stored), so positions match the original bit for bit
 * up to float rounding.
 */

export const GRID = 48;
export const NUM_KEYPOINTS = 17;
const KPT_EPS = 1.7998046875; // float16(1.8), the graph's add_5/y
const INV_GRID = 0.020828247070312500; // float16(1/48), the graph's Reshape_13

export interface MovenetHeads {
  /** [48,48,17] NHWC, sigmoid applied. */
  heatmap: Float32Array;
  /** [48,48,1], sigmoid times the centre weighting. */
  center: Float32Array;
  /** [48,48,34]: (dy,dx) per keypoint from the centre cell, in cells. */
  regress: Float32Array;
  /** [48,48,34]: (dy,dx) per keypoint within its cell, in cells. */
  offset: Float32Array;
}

/** Per keypoint [y, x, score], y/x as fractions of the 192x192 model input (the original's [1,1,17,3]). */
export function decodeMovenet(h: MovenetHeads): Float32Array {
  const cells = GRID * GRID;
  const K = NUM_KEYPOINTS;
  if (h.heatmap.length !== cells * K || h.center.length !== cells || h.regress.length !== cells * 2 * K || h.offset.length !== cells * 2 * K) {
    throw new Error('movenet heads have unexpected sizes');
  }
  let best = 0;
  for (let i = 1; i < cells; i++) if (h.center[i] > h.center[best]) best = i;
  const cy = Math.floor(best / GRID);
  const cx = best - cy * GRID;
  const out = new Float32Array(K * 3);
  for (let k = 0; k < K; k++) {
    const ry = cy + h.regress[best * 2 * K + 2 * k];
    const rx = cx + h.regress[best * 2 * K + 2 * k + 1];
    let arg = 0;
    let top = -Infinity;
    for (let y = 0; y < GRID; y++)
      for (let x = 0; x < GRID; x++) {
        const i = y * GRID + x;
        const v = h.heatmap[i * K + k] / (Math.sqrt((y - ry) ** 2 + (x - rx) ** 2) + KPT_EPS);
        if (v > top) {
          top = v;
          arg = i;
        }
      }
    const ky = Math.floor(arg / GRID);
    const kx = arg - ky * GRID;
    out[3 * k] = (ky + h.offset[arg * 2 * K + 2 * k]) * INV_GRID;
    out[3 * k + 1] = (kx + h.offset[arg * 2 * K + 2 * k + 1]) * INV_GRID;
    out[3 * k + 2] = h.heatmap[arg * K + k];
  }
  return out;
}

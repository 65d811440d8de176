// Camera registration for a score: the two videos' scene stills (stored at ingest) registered,
// and, for grid features, the trainee's vectors resampled into the gold's picture coordinates.
import type { Context } from '../context.js';
import { getBuffer, ObjectNotFoundError } from '../store/index.js';
import { clipsKey, stillKey, type ClipsManifest } from '../ingest/keys.js';
import { decodeStill } from '../perception/scene-still.js';
import { registerCamera, rescaleSimilarity, type CameraChange } from '../perception/registration.js';
import { warpGridRows } from '../perception/grid-warp.js';
import { gridFor, workFeatureDim, WORK_CHANNELS } from '../perception/work-features.js';
import type { GridLayout } from '../perception/shared-work.js';
import { pictureRect } from '../perception/image.js';
import type { Matrix } from '../alignment/types.js';
import type { ScoreInputs } from './compute.js';

async function storedPictureRect(ctx: Context, videoId: string) {
  const m = JSON.parse((await getBuffer(ctx.store, clipsKey(videoId))).toString('utf8')) as ClipsManifest;
  return pictureRect(m.width, m.source.width, m.source.height);
}

/**
 * The camera change for any embedder (null when a still is missing: a video ingested before
 * stills existed); `warped` only for vectors with a work grid (work, hybrid-work), whose grid
 * registration puts into the gold's coordinates (`grid`: where that grid lies in the vectors).
 */
export async function registerVideos(ctx: Context, inp: ScoreInputs): Promise<{ camera: CameraChange; warped: Matrix | null; grid?: GridLayout } | null> {
  const g = inp.videos.gold.id;
  const t = inp.videos.trainee.id;
  // Each still in one GET (no HEAD first): a missing one is the store's not-found error.
  const still = (id: string) => getBuffer(ctx.store, stillKey(id)).catch((e: unknown) => {
    if (e instanceof ObjectNotFoundError) return null;
    throw e;
  });
  const [bg, bt] = await Promise.all([still(g), still(t)]);
  if (!bg || !bt) return null;
  const [sg, st] = [decodeStill(bg), decodeStill(bt)];
  const { camera, transform } = await registerCamera(sg, st);
  const tail = gridTail(inp.gold.embedder, inp.trainee.matrix.dim);
  if (!camera.same_scene || tail === 0) return { camera, warped: null };
  const [rg, rt] = await Promise.all([storedPictureRect(ctx, g), storedPictureRect(ctx, t)]);
  // Registration ran on the stills; the grids lie over the stored frames' picture regions.
  const inRects = rescaleSimilarity(transform, rg.width / sg.width, rt.width / st.width);
  const gg = gridFor(rg);
  return {
    camera,
    warped: warpGridTail(inp.trainee.matrix, tail, (part) => warpGridRows(part, gg, gridFor(rt), inRects)),
    // The vector's grid: per-frame [change, motion] cells, pooled as [mean | trend] (work-embedder.ts).
    grid: { tail, cellCount: gg.cols * gg.rows, activityBlocks: WORK_CHANNELS },
  };
}

/** How many trailing entries of this embedder's vectors are work grids (0: none). */
function gridTail(embedder: string | null, dim: number): number {
  if (embedder?.startsWith('work@')) return dim;
  if (embedder?.startsWith('hybrid-work@')) return Math.min(dim, 2 * workFeatureDim(gridFor({ x: 0, y: 0, width: 1, height: 1 })));
  return 0;
}

/** The rows with their last `tail` entries warped; the warped part keeps each row's norm of that part. */
function warpGridTail(m: Matrix, tail: number, warp: (part: Matrix) => Matrix): Matrix {
  if (tail === m.dim) return warp(m);
  const head = m.dim - tail;
  const part = new Float32Array(m.rows * tail);
  for (let i = 0; i < m.rows; i++) part.set(m.data.subarray(i * m.dim + head, (i + 1) * m.dim), i * tail);
  const w = warp({ rows: m.rows, dim: tail, data: part });
  const out = Float32Array.from(m.data);
  for (let i = 0; i < m.rows; i++) {
    let norm = 0;
    for (let x = 0; x < tail; x++) norm += part[i * tail + x] ** 2;
    const k = Math.sqrt(norm); // warpGridRows returns unit rows
    for (let x = 0; x < tail; x++) out[i * m.dim + head + x] = w.data[i * tail + x] * k;
  }
  return { rows: m.rows, dim: m.dim, data: out };
}

// Camera registration for a score: the two videos' scene stills (stored at ingest) registered,
// and, for grid features, the trainee's vectors resampled into the gold's picture coordinates.
import type { Context } from '../context.js';
import { getBuffer } from '../store/index.js';
import { clipsKey, stillKey, type ClipsManifest } from '../ingest/keys.js';
import { decodeStill } from '../perception/scene-still.js';
import { registerCamera, rescaleSimilarity, type CameraChange } from '../perception/registration.js';
import { warpGridRows } from '../perception/grid-warp.js';
import { gridFor } from '../perception/work-features.js';
import { contentRect } from '../vision/view-warp.js';
import type { Matrix } from '../alignment/types.js';
import type { ScoreInputs } from './compute.js';

async function pictureRect(ctx: Context, videoId: string) {
  const m = JSON.parse((await getBuffer(ctx.store, clipsKey(videoId))).toString('utf8')) as ClipsManifest;
  const r = contentRect(m.width, m.source.width, m.source.height);
  return { x: r.x, y: r.y, width: r.w, height: r.h };
}

/**
 * The camera change for any embedder (null when a still is missing: a video ingested before
 * stills existed); `warped` only for grid vectors (the work embedder), which registration can
 * put into the gold's coordinates.
 */
export async function registerVideos(ctx: Context, inp: ScoreInputs): Promise<{ camera: CameraChange; warped: Matrix | null } | null> {
  const g = inp.videos.gold.id;
  const t = inp.videos.trainee.id;
  const [hg, ht] = await Promise.all([ctx.store.head(stillKey(g)), ctx.store.head(stillKey(t))]);
  if (!hg || !ht) return null;
  const [sg, st] = await Promise.all([getBuffer(ctx.store, stillKey(g)), getBuffer(ctx.store, stillKey(t))]).then((b) => b.map(decodeStill));
  const { camera, transform } = await registerCamera(sg, st);
  if (!camera.same_scene || !inp.gold.embedder?.startsWith('work@')) return { camera, warped: null };
  const [rg, rt] = await Promise.all([pictureRect(ctx, g), pictureRect(ctx, t)]);
  // Registration ran on the stills; the grids lie over the stored frames' picture regions.
  const inRects = rescaleSimilarity(transform, rg.width / sg.width, rt.width / st.width);
  return { camera, warped: warpGridRows(inp.trainee.matrix, gridFor(rg), gridFor(rt), inRects) };
}

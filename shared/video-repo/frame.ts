import type { Context } from '../context.js';
import { getBuffer } from '../store/index.js';
import { clipsKey, framesKey, type ClipsManifest } from '../ingest/keys.js';
import { encodePngRgb } from '../image/png.js';

/**
 * One frame of a video at time t (seconds) as PNG, from the frames the extract stage stored
 * (already privacy-masked there); null when the video has none (deleted, not extracted yet).
 */
export async function frameAt(ctx: Context, videoId: string, t: number): Promise<Buffer | null> {
  try {
    const m = JSON.parse((await getBuffer(ctx.store, clipsKey(videoId))).toString('utf8')) as ClipsManifest;
    const idx = Math.min(m.frame_count - 1, Math.max(0, Math.round(t * m.fps)));
    const size = m.width * m.height * 3;
    const obj = await ctx.store.get(framesKey(videoId), { start: idx * size, end: (idx + 1) * size - 1 });
    const chunks: Buffer[] = [];
    for await (const c of obj.body) chunks.push(c as Buffer);
    const data = Buffer.concat(chunks);
    if (data.length !== size) return null;
    return encodePngRgb(m.width, m.height, data);
  } catch {
    return null;
  }
}

/** The API path of that frame (GET /videos/:id/thumbnail). */
export const thumbnailUrl = (videoId: string, t: number) => `/videos/${encodeURIComponent(videoId)}/thumbnail?t=${Math.max(0, Math.round(t * 10) / 10)}`;

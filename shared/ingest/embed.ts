import type { Context } from '../context.js';
import { getBuffer } from '../store/index.js';
import { isFrameFeatureEmbedder, type ClipEmbedder, type FrameFeatureEmbedder } from '../vision/embedder.js';
import type { Frame } from '../vision/frame.js';
import { embedClipsPerSecond, embedDuration } from '../metrics.js';
import { clipsKey, framesKey, stillKey, type ClipsManifest } from './keys.js';
import { isSceneEmbedder } from '../vision/work-embedder.js';
import { decodeStill, resizeGrey } from '../perception/scene-still.js';
import { pictureRect } from '../perception/image.js';
import { PermanentError } from '../errors.js';
import { readFrameBatches } from './frame-reader.js';
import type { ClipVector } from '../embeddings/repo.js';

/**
 * Embeds a video's clips from its stored frames, streaming: each frame goes through the
 * backbone once (clips overlap), and only the frames of clips not yet complete stay in memory.
 * `keepFrameFeatures` (a gold: its steps are found on frame rows, steps/frame-steps.ts) also
 * returns every frame's features, when the embedder has per-frame features.
 */
export async function embedVideoClips(
  ctx: Context,
  videoId: string,
  modelEmbedder: ClipEmbedder,
  batchSize: number,
  opts: { keepFrameFeatures?: boolean } = {},
): Promise<{ manifest: ClipsManifest; clips: ClipVector[]; frameFeatures?: Float32Array[] }> {
  const manifest = JSON.parse((await getBuffer(ctx.store, clipsKey(videoId))).toString('utf8')) as ClipsManifest;
  let embedder: ClipEmbedder = modelEmbedder;
  if (isSceneEmbedder(modelEmbedder)) {
    // Features relative to this video's static scene, on its picture region (not the padding).
    if (!(await ctx.store.head(stillKey(videoId)))) throw new PermanentError(`video ${videoId} has no scene still: ingest it again`, 'no_scene_still');
    const still = decodeStill(await getBuffer(ctx.store, stillKey(videoId)));
    const rect = pictureRect(manifest.width, manifest.source.width, manifest.source.height);
    embedder = modelEmbedder.forScene(resizeGrey(still, rect.width, rect.height), rect);
  }
  const frames = await ctx.store.get(framesKey(videoId));
  const t0 = process.hrtime.bigint();
  const frameFeatures = isFrameFeatureEmbedder(embedder);
  const ff = embedder as FrameFeatureEmbedder;
  const out: ClipVector[] = [];
  const pendingClips = [...manifest.clips];
  const kept: Float32Array[] | null = opts.keepFrameFeatures && frameFeatures ? [] : null;
  // Per-frame features (frame-feature embedders) or frames (clip models), by frame index, pruned as clips complete.
  const window = new Map<number, Float32Array | Frame>();
  let nextFrame = 0;

  const flushReady = async () => {
    const ready: typeof pendingClips = [];
    while (pendingClips.length && pendingClips[0].end_frame <= nextFrame) ready.push(pendingClips.shift()!);
    if (!ready.length) return;
    let vectors: Float32Array[];
    if (frameFeatures) {
      vectors = ready.map((c) => {
        const feats: Float32Array[] = [];
        for (let f = c.start_frame; f < c.end_frame; f++) feats.push(window.get(f) as Float32Array);
        return ff.combineClip(feats);
      });
    } else {
      vectors = await embedder.embedClips(
        ready.map((c) => {
          const fr: Frame[] = [];
          for (let f = c.start_frame; f < c.end_frame; f++) fr.push(window.get(f) as Frame);
          return fr;
        }),
      );
    }
    ready.forEach((c, i) => out.push({ index: c.index, start_sec: c.start_sec, end_sec: c.end_sec, vector: vectors[i] }));
    const keepFrom = pendingClips.length ? pendingClips[0].start_frame : nextFrame;
    for (const k of window.keys()) if (k < keepFrom) window.delete(k);
  };

  for await (const batch of readFrameBatches(frames.body, manifest.width, manifest.height, batchSize)) {
    if (frameFeatures) {
      const feats = await ff.embedFrames(batch);
      feats.forEach((f, i) => window.set(nextFrame + i, f));
      if (kept) kept.push(...feats);
    } else {
      batch.forEach((f, i) => window.set(nextFrame + i, f));
    }
    nextFrame += batch.length;
    await flushReady();
  }
  if (nextFrame !== manifest.frame_count) {
    throw new Error(`frames object holds ${nextFrame} frames, the manifest says ${manifest.frame_count}`);
  }
  await flushReady();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  embedDuration.observe({ embedder: embedder.name }, secs);
  if (secs > 0) embedClipsPerSecond.set({ embedder: embedder.name }, out.length / secs);
  return { manifest, clips: out, ...(kept ? { frameFeatures: kept } : {}) };
}

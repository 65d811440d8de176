import type { Context } from '../context.js';
import { getBuffer } from '../store/index.js';
import { isFrameFeatureEmbedder, type ClipEmbedder, type FrameFeatureEmbedder } from '../vision/embedder.js';
import type { Frame } from '../vision/frame.js';
import { embedClipsPerSecond, embedDuration } from '../metrics.js';
import { clipsKey, framesKey, stillKey, type ClipsManifest } from './keys.js';
import { isSceneEmbedder } from '../vision/work-embedder.js';
import { decodeStill, resizeGrey } from '../perception/scene-still.js';
import { contentRect } from '../vision/view-warp.js';
import { PermanentError } from '../errors.js';
import { readFrameBatches } from './frame-reader.js';
import type { ClipVector } from '../embeddings/repo.js';

/** Another version of every frame (a gold's synthetic camera view, vision/view-warp.ts). */
export type FrameTransform = (frame: Frame, manifest: ClipsManifest) => Frame;

/**
 * Embeds a video's clips from its stored frames, streaming: each frame goes through the
 * backbone once (clips overlap), and only the frames of clips not yet complete stay in memory.
 * `views` are embedded in the same pass over the frames: viewClips[k] holds view k's clips.
 */
export async function embedVideoClips(
  ctx: Context,
  videoId: string,
  modelEmbedder: ClipEmbedder,
  batchSize: number,
  views: FrameTransform[] = [],
): Promise<{ manifest: ClipsManifest; clips: ClipVector[]; viewClips: ClipVector[][] }> {
  const manifest = JSON.parse((await getBuffer(ctx.store, clipsKey(videoId))).toString('utf8')) as ClipsManifest;
  let embedder: ClipEmbedder = modelEmbedder;
  if (isSceneEmbedder(modelEmbedder)) {
    // Features relative to this video's static scene, on its picture region (not the padding).
    if (!(await ctx.store.head(stillKey(videoId)))) throw new PermanentError(`video ${videoId} has no scene still: ingest it again`, 'no_scene_still');
    const still = decodeStill(await getBuffer(ctx.store, stillKey(videoId)));
    const r = contentRect(manifest.width, manifest.source.width, manifest.source.height);
    const rect = { x: r.x, y: r.y, width: r.w, height: r.h };
    embedder = modelEmbedder.forScene(resizeGrey(still, rect.width, rect.height), rect);
    views = []; // registration at score time replaces synthetic gold views
  }
  const frames = await ctx.store.get(framesKey(videoId));
  const t0 = process.hrtime.bigint();
  const frameFeatures = isFrameFeatureEmbedder(embedder);
  const ff = embedder as FrameFeatureEmbedder;
  // One state per version of the video (as filmed, then each view).
  const states = [null, ...views].map((transform) => ({
    transform,
    out: [] as ClipVector[],
    pendingClips: [...manifest.clips],
    // Per-frame features (frame-feature embedders) or frames (clip models), by frame index, pruned as clips complete.
    window: new Map<number, Float32Array | Frame>(),
  }));
  let nextFrame = 0;

  const flushReady = async (st: (typeof states)[number]) => {
    const ready: typeof st.pendingClips = [];
    while (st.pendingClips.length && st.pendingClips[0].end_frame <= nextFrame) ready.push(st.pendingClips.shift()!);
    if (!ready.length) return;
    let vectors: Float32Array[];
    if (frameFeatures) {
      vectors = ready.map((c) => {
        const feats: Float32Array[] = [];
        for (let f = c.start_frame; f < c.end_frame; f++) feats.push(st.window.get(f) as Float32Array);
        return ff.combineClip(feats);
      });
    } else {
      vectors = await embedder.embedClips(
        ready.map((c) => {
          const fr: Frame[] = [];
          for (let f = c.start_frame; f < c.end_frame; f++) fr.push(st.window.get(f) as Frame);
          return fr;
        }),
      );
    }
    ready.forEach((c, i) => st.out.push({ index: c.index, start_sec: c.start_sec, end_sec: c.end_sec, vector: vectors[i] }));
    const keepFrom = st.pendingClips.length ? st.pendingClips[0].start_frame : nextFrame;
    for (const k of st.window.keys()) if (k < keepFrom) st.window.delete(k);
  };

  for await (const raw of readFrameBatches(frames.body, manifest.width, manifest.height, batchSize)) {
    for (const st of states) {
      const batch = st.transform ? raw.map((f) => st.transform!(f, manifest)) : raw;
      if (frameFeatures) {
        const feats = await ff.embedFrames(batch);
        feats.forEach((f, i) => st.window.set(nextFrame + i, f));
      } else {
        batch.forEach((f, i) => st.window.set(nextFrame + i, f));
      }
    }
    nextFrame += raw.length;
    for (const st of states) await flushReady(st);
  }
  if (nextFrame !== manifest.frame_count) {
    throw new Error(`frames object holds ${nextFrame} frames, the manifest says ${manifest.frame_count}`);
  }
  for (const st of states) await flushReady(st);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  embedDuration.observe({ embedder: embedder.name }, secs);
  const clipCount = states.reduce((a, st) => a + st.out.length, 0);
  if (secs > 0) embedClipsPerSecond.set({ embedder: embedder.name }, clipCount / secs);
  return { manifest, clips: states[0].out, viewClips: states.slice(1).map((st) => st.out) };
}

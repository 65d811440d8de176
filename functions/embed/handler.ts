import os from 'node:os';
import type { Context } from '../../shared/context.js';
import type { EventData, SopilotEvent } from '../../shared/events/types.js';
import { EventType } from '../../shared/events/types.js';
import { makeEvent } from '../../shared/events/envelope.js';
import { runStage, setJobStatus, getJob, isPermanent } from '../../shared/jobs/index.js';
import { getEmbedder } from '../../shared/ingest/services.js';
import { embedVideoClips } from '../../shared/ingest/embed.js';
import { ensureVectorIndex, saveEmbeddings, saveEmbeddingsBlob, clipsToEmbeddings } from '../../shared/embeddings/repo.js';
import { detectSteps } from '../../shared/steps/change-points.js';
import { detectStepsFromFrames } from '../../shared/steps/frame-steps.js';
import { loadSteps, saveSteps } from '../../shared/ingest/steps.js';
import { getVideo, updateVideo } from '../../shared/video-repo/repo.js';
import { ingestFailed } from '../../shared/ingest/ingest-job.js';
import { clipsKey, framesKey } from '../../shared/ingest/keys.js';
import { getBuffer } from '../../shared/store/index.js';

type Input = EventData<typeof EventType.clipsExtracted>;

/** Batch size: configured, else the embedder's own default (picked from the device), else per core. */
function batchSizeFor(ctx: Context, embedder: { batchSize?: number }): number {
  return ctx.config.EMBEDDER_BATCH_SIZE ?? embedder.batchSize ?? Math.max(4, os.cpus().length * 4);
}

export async function handleClipsExtracted(event: SopilotEvent<Input>, ctx: Context): Promise<void> {
  const d = event.data;
  const video = await getVideo(ctx.db, d.video_id);
  if (!video) {
    ctx.log.warn({ video_id: d.video_id }, 'clips event for a video that no longer exists; ignored');
    return;
  }
  const embedder = await getEmbedder(ctx);
  let out;
  try {
    out = await runStage(
      ctx.db,
      { kind: 'embed', key: `embed:${d.video_id}:${embedder.name}:${embedder.version}`, input: d, videoId: d.video_id },
      async () => {
        const { manifest, clips, frameFeatures } = await embedVideoClips(ctx, d.video_id, embedder, batchSizeFor(ctx, embedder as { batchSize?: number }), { keepFrameFeatures: video.role === 'gold' && ctx.config.STEP_ROWS === 'frames' });
        const embedderId = `${embedder.name}@${embedder.version}`;
        const emb = clipsToEmbeddings(clips, embedderId);
        await saveEmbeddings(ctx.db, d.video_id, embedderId, clips);
        await saveEmbeddingsBlob(ctx.store, d.video_id, emb);
        await ensureVectorIndex(ctx.db, embedder.dim);
        let steps = 0;
        if (video.role === 'gold') {
          const existing = await loadSteps(ctx.db, d.video_id);
          // Names and bounds an admin set by hand survive a re-embed.
          if (existing.some((s) => s.source === 'manual')) steps = existing.length;
          else {
            const detect = {
              minStepClips: ctx.config.STEP_MIN_CLIPS,
              penalty: ctx.config.STEP_PENALTY,
              penaltyScale: ctx.config.STEP_PENALTY_SCALE,
              minContrast: ctx.config.STEP_MIN_CONTRAST,
            };
            // SOPILOT_STEP_ROWS=frames: on frame rows where the embedder has per-frame features
            // (boundaries to a frame; opt-in, docs/scoring.md), else on the clips.
            const found = frameFeatures?.length
              ? detectStepsFromFrames(frameFeatures, manifest.fps, emb.times, emb.matrix.rows, detect)
              : detectSteps(emb.matrix, emb.times, detect);
            await saveSteps(ctx.db, d.video_id, found, 'auto');
            steps = found.length;
          }
        }
        await updateVideo(ctx.db, d.video_id, {
          status: 'indexed',
          clip_count: clips.length,
          embedder: embedderId,
          embedding_dim: embedder.dim,
          duration_sec: video.duration_sec ?? manifest.duration_sec,
          error: null,
        });
        return { clip_count: clips.length, duration_sec: video.duration_sec ?? manifest.duration_sec, embedder: embedder.name, dim: embedder.dim, steps };
      },
    );
  } catch (e) {
    if (isPermanent(e)) {
      await ingestFailed(ctx, d.job_id, d.video_id, `embedding failed: ${(e as Error).message}`);
      return;
    }
    throw e; // retried by the transport; after the last attempt the dead-letter hook fails the job
  }
  const o = out.output as { clip_count: number; duration_sec: number };
  const ingest = await getJob(ctx.db, d.job_id);
  if (ingest && ingest.status !== 'completed') {
    await setJobStatus(ctx.db, d.job_id, 'completed', { output: { video_id: d.video_id, clip_count: o.clip_count, duration_sec: o.duration_sec } });
  }
  await rebuildTaskIndex(ctx, video.task_id, d.video_id, `${embedder.name}@${embedder.version}`);
  await ctx.bus.publish(
    makeEvent(
      EventType.videoIndexed,
      { video_id: d.video_id, job_id: d.job_id, task_id: video.task_id, role: video.role, clip_count: o.clip_count, duration_sec: o.duration_sec },
      { id: `video-indexed-${d.video_id}-${event.id}`, source: '/sopilot/embed', subject: d.video_id },
    ),
  );
}

/**
 * A task's vectors must come from one model: when this video was embedded by a different model
 * than the task's other videos (a new model was installed), those are re-embedded from their
 * stored frames (embed's idempotency key includes the model, so they really run again).
 */
async function rebuildTaskIndex(ctx: Context, taskId: string, videoId: string, embedder: string): Promise<void> {
  const stale = await ctx.db.query<{ id: string; job_id: string | null }>(
    `SELECT v.id, j.id AS job_id FROM videos v LEFT JOIN jobs j ON j.idempotency_key = 'ingest:' || v.id
      WHERE v.task_id = $1 AND v.id <> $2 AND v.status = 'indexed' AND v.embedder IS DISTINCT FROM $3`,
    [taskId, videoId, embedder],
  );
  for (const v of stale.rows) {
    const frames = await ctx.store.head(framesKey(v.id));
    const manifest = await ctx.store.head(clipsKey(v.id));
    if (!frames || !manifest || !v.job_id) continue;
    const m = JSON.parse((await getBuffer(ctx.store, clipsKey(v.id))).toString('utf8')) as { frame_count: number; clips: unknown[] };
    ctx.log.info({ task_id: taskId, video_id: v.id, embedder }, 'model changed for the task: re-embedding an older video');
    await ctx.bus.publish(
      makeEvent(
        EventType.clipsExtracted,
        { video_id: v.id, job_id: v.job_id, frames_key: framesKey(v.id), clips_key: clipsKey(v.id), frame_count: m.frame_count, clip_count: m.clips.length },
        { id: `reembed-${v.id}-${embedder.replace(/[^A-Za-z0-9._-]/g, '_')}`, source: '/sopilot/embed', subject: v.id },
      ),
    );
  }
}

import type { Context } from '../../shared/context.js';
import type { EventData, SopilotEvent } from '../../shared/events/types.js';
import { EventType } from '../../shared/events/types.js';
import { makeEvent } from '../../shared/events/envelope.js';
import { runStage, isPermanent } from '../../shared/jobs/index.js';
import { extractClips } from '../../shared/ingest/extract.js';
import { clipsKey, framesKey, playbackKey } from '../../shared/ingest/keys.js';
import { ingestFailed, ingestRunning } from '../../shared/ingest/ingest-job.js';
import { getVideo, updateVideo } from '../../shared/video-repo/repo.js';
import { PermanentError } from '../../shared/errors.js';

type Input = EventData<typeof EventType.videoUploaded>;

export async function handleVideoUploaded(event: SopilotEvent<Input>, ctx: Context): Promise<void> {
  const d = event.data;
  const video = await getVideo(ctx.db, d.video_id);
  if (!video) {
    ctx.log.warn({ video_id: d.video_id }, 'uploaded event for a video that no longer exists; ignored');
    return;
  }
  await ingestRunning(ctx, d.job_id, d.video_id);
  let out;
  try {
    out = await runStage(ctx.db, { kind: 'clip-extract', key: `clip-extract:${d.video_id}`, input: d, videoId: d.video_id }, async () => {
      const head = await ctx.store.head(d.object_key);
      if (!head) throw new PermanentError(`the uploaded object ${d.object_key} is missing from the object store`, 'missing_object');
      const m = await extractClips(ctx, d.video_id, d.object_key);
      await updateVideo(ctx.db, d.video_id, {
        duration_sec: m.source.duration_sec,
        fps: m.source.fps,
        width: m.source.width,
        height: m.source.height,
        codec: m.source.codec,
        playback_key: m.masked ? playbackKey(d.video_id) : null,
      });
      return { frames_key: framesKey(d.video_id), clips_key: clipsKey(d.video_id), frame_count: m.frame_count, clip_count: m.clips.length };
    });
  } catch (e) {
    if (isPermanent(e)) {
      await ingestFailed(ctx, d.job_id, d.video_id, (e as Error).message);
      return; // handled: retrying bad input would not help
    }
    throw e;
  }
  await ctx.bus.publish(
    makeEvent(
      EventType.clipsExtracted,
      { video_id: d.video_id, job_id: d.job_id, ...(out.output as { frames_key: string; clips_key: string; frame_count: number; clip_count: number }) },
      { id: `clips-extracted-${d.video_id}-${event.id}`, source: '/sopilot/clip-extract', subject: d.video_id },
    ),
  );
}

import type { Context } from '../context.js';
import { getJob, setJobStatus } from '../jobs/index.js';
import { updateVideo } from '../video-repo/repo.js';
import { redactPaths } from '../errors.js';

/** The user-visible ingest job (GET /videos/jobs/:id) follows the stages under it. */
export async function ingestRunning(ctx: Context, jobId: string, videoId: string): Promise<void> {
  const j = await getJob(ctx.db, jobId);
  if (j && j.status !== 'running' && j.status !== 'completed') await setJobStatus(ctx.db, jobId, 'running', { countAttempt: true });
  await updateVideo(ctx.db, videoId, { status: 'processing', error: null });
}

/** Bad input: the video and the job say why; the original object is kept. */
export async function ingestFailed(ctx: Context, jobId: string, videoId: string, message: string): Promise<void> {
  ctx.log.warn({ video_id: videoId, err: message }, 'ingest failed');
  await updateVideo(ctx.db, videoId, { status: 'failed', error: redactPaths(message) });
  await setJobStatus(ctx.db, jobId, 'failed', { error: message });
}

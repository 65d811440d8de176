import type { Context } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { appendAudit } from '../audit/index.js';
import { getVideo } from './repo.js';

export const derivedPrefix = (videoId: string) => `derived/${videoId}/`;
export const reportKey = (scoreId: string) => `reports/${scoreId}.pdf`;

/**
 * Removes a video everywhere: original and derived objects, clip embeddings (and so the
 * similarity index), steps, cached reports that show it. Scores that referred to it stay,
 * marked, with their result; the audit trail keeps a content-free record of the deletion.
 */
export async function deleteVideo(
  ctx: Context,
  videoId: string,
  who: { subject: string; role: string | null; requestId?: string | null; clientAddr?: string | null },
  opts: { force: boolean; requireOwner: boolean },
): Promise<{ deleted_objects: number; scores_marked: number }> {
  const v = await getVideo(ctx.db, videoId);
  if (!v || v.status === 'deleted') throw notFound(`video ${videoId}`);
  if (opts.requireOwner && v.uploaded_by !== who.subject) {
    throw new AppError(403, 'forbidden', 'operators may delete only the videos they uploaded');
  }
  const deps = await ctx.db.query<{ id: string }>('SELECT id FROM scores WHERE gold_video_id = $1 OR trainee_video_id = $1', [videoId]);
  if (v.role === 'gold' && deps.rows.length > 0 && !opts.force) {
    throw new AppError(409, 'conflict', `gold video ${videoId} is used by ${deps.rows.length} score(s); repeat with ?force=true to delete it anyway`);
  }
  let deletedObjects = 0;
  deletedObjects += await ctx.store.deletePrefix(`raw/${videoId}/`);
  deletedObjects += await ctx.store.deletePrefix(derivedPrefix(videoId));
  // A bucket-dropped original lives under inbox/, outside raw/<id>/.
  if (v.object_key && !v.object_key.startsWith(`raw/${videoId}/`) && (await ctx.store.head(v.object_key))) {
    await ctx.store.delete(v.object_key);
    deletedObjects++;
  }
  for (const s of deps.rows) {
    const info = await ctx.store.head(reportKey(s.id));
    if (info) {
      await ctx.store.delete(reportKey(s.id));
      deletedObjects++;
    }
  }
  await ctx.db.transaction(async (tx) => {
    await tx.query('DELETE FROM clip_embeddings WHERE video_id = $1', [videoId]);
    await tx.query('DELETE FROM gold_steps WHERE video_id = $1', [videoId]);
    // A score whose other video is already gone names both.
    await tx.query(
      `UPDATE scores SET video_deleted = CASE WHEN video_deleted IS NOT NULL AND video_deleted <> $2 THEN 'both' ELSE $2 END,
         report_key = NULL, updated_at = now() WHERE gold_video_id = $1 OR trainee_video_id = $1`,
      [videoId, v.role === 'gold' ? 'gold' : 'trainee'],
    );
    await tx.query('DELETE FROM videos WHERE id = $1', [videoId]);
    await appendAudit(tx, {
      subject: who.subject,
      role: who.role,
      action: 'video.delete',
      target_type: 'video',
      target_id: videoId,
      request_id: who.requestId ?? null,
      client_addr: who.clientAddr ?? null,
      outcome: 'ok',
      details: { task_id: v.task_id, role: v.role, force: opts.force, objects_removed: deletedObjects, scores_marked: deps.rows.length },
    });
  });
  return { deleted_objects: deletedObjects, scores_marked: deps.rows.length };
}

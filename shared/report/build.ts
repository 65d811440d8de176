import type { Context } from '../context.js';
import { DEVIATION_LABEL, renderScoreReport, type ScoreReportRecord, type Thumbnail } from './index.js';
import { getTask } from '../tasks/repo.js';
import type { ScoreOutcome } from '../scoring/types.js';
import { frameAt } from '../video-repo/frame.js';
import { reportKey } from '../video-repo/delete.js';
import { finalPassed, getScore, updateScore, type ScoreRow } from '../score-jobs/repo.js';
import { getVideo } from '../video-repo/repo.js';

/** Key frames of the first deviations: trainee frame at the middle of each deviation's trainee range. */
async function deviationThumbnails(ctx: Context, s: ScoreRow, outcome: ScoreOutcome, max = 4): Promise<Thumbnail[]> {
  const out: Thumbnail[] = [];
  for (const d of outcome.deviations) {
    if (out.length >= max) break;
    const range = d.trainee ?? null;
    const useGold = !range && d.gold_step;
    const t = range ? (range.start_sec + range.end_sec) / 2 : d.gold_step ? (d.gold_step.start_sec + d.gold_step.end_sec) / 2 : null;
    if (t === null) continue;
    const png = await frameAt(ctx, useGold ? s.gold_video_id : s.trainee_video_id, t);
    if (png) out.push({ label: `${DEVIATION_LABEL[d.type] ?? d.type}${d.gold_step ? ` · ${d.gold_step.name}` : ''} (${useGold ? 'gold' : 'trainee'} @ ${t.toFixed(1)} s)`, png });
  }
  return out;
}

/** Renders a completed score's PDF and caches it in the object store under reports/<score_id>.pdf. */
export async function buildReport(ctx: Context, scoreId: string): Promise<{ key: string; bytes: number }> {
  const s = await getScore(ctx.db, scoreId);
  if (!s || s.status !== 'completed' || !s.result) throw new Error(`score ${scoreId} is not completed`);
  const outcome = s.result as unknown as ScoreOutcome & Pick<ScoreReportRecord, 'verdict' | 'information'>;
  const [gv, tv, task] = await Promise.all([getVideo(ctx.db, s.gold_video_id), getVideo(ctx.db, s.trainee_video_id), s.task_id ? getTask(ctx.db, s.task_id) : null]);
  const thumbnails = s.video_deleted ? [] : await deviationThumbnails(ctx, s, outcome);
  const pdf = await renderScoreReport(
    {
      ...outcome,
      score: s.score ?? outcome.score,
      passed: finalPassed(s) ?? outcome.passed,
      engine_passed: s.passed,
      review: s.review_decision ? { decision: s.review_decision, comment: s.review_comment, reviewed_by: s.reviewed_by, reviewed_at: s.reviewed_at } : null,
      verdict: outcome.verdict ?? null,
      information: outcome.information ?? [],
      id: s.id,
      task_id: s.task_id,
      task_name: task?.name ?? null,
      gold_name: gv?.original_name ?? null,
      trainee_name: tv?.original_name ?? null,
      worker_id: s.worker_id,
      station: s.station,
      shift: s.shift,
      gold_video_id: s.gold_video_id,
      trainee_video_id: s.trainee_video_id,
      created_at: s.created_at,
      completed_at: s.completed_at,
      gold_duration_sec: gv?.duration_sec ?? null,
      trainee_duration_sec: tv?.duration_sec ?? null,
    },
    { thumbnails, auditHash: s.result_hash, passThreshold: outcome.verdict?.pass_threshold ?? ctx.config.SCORE_PASS_THRESHOLD, generatedAt: s.completed_at ?? new Date() },
  );
  const key = reportKey(scoreId);
  await ctx.store.put(key, pdf, { contentType: 'application/pdf', metadata: { score_id: scoreId, result_hash: s.result_hash ?? '' } });
  await updateScore(ctx.db, scoreId, { report_key: key });
  return { key, bytes: pdf.length };
}

import type { Context } from '../context.js';
import type { ScoreRow } from '../score-jobs/repo.js';
import type { TaskRules } from '../scoring/task-rules.js';
import { getTaskVersion } from './repo.js';

/**
 * The rules a score is judged by: the task definition version recorded when it was requested.
 * Step rules only when the score used that definition's gold (step indexes are that gold's).
 */
export async function taskRulesFor(ctx: Context, s: ScoreRow): Promise<TaskRules> {
  const def = s.task_id && s.task_version !== null ? await getTaskVersion(ctx.db, s.task_id, s.task_version) : null;
  return {
    task_id: s.task_id,
    task_version: def ? s.task_version : null,
    pass_threshold: def?.pass_threshold ?? ctx.config.SCORE_PASS_THRESHOLD,
    steps: def && def.gold_video_id === s.gold_video_id ? def.steps : null,
  };
}

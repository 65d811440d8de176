import type { Context } from '../../shared/context.js';
import type { EventData, SopilotEvent } from '../../shared/events/types.js';
import { EventType } from '../../shared/events/types.js';
import { runStage } from '../../shared/jobs/index.js';
import { getScore } from '../../shared/score-jobs/repo.js';
import { buildReport } from '../../shared/report/build.js';

/** score.done: render the PDF once per result (keyed by the result hash) and cache it. */
export async function handleScoreDone(event: SopilotEvent<EventData<typeof EventType.scoreDone>>, ctx: Context): Promise<void> {
  const s = await getScore(ctx.db, event.data.score_id);
  if (!s || s.status !== 'completed') return;
  await runStage(ctx.db, { kind: 'report', key: `report:${s.id}:${s.result_hash}`, input: { score_id: s.id }, scoreId: s.id }, async () => {
    const r = await buildReport(ctx, s.id);
    return { report_key: r.key, bytes: r.bytes };
  });
}

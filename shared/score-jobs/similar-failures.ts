import type { Context } from '../context.js';
import { isoTime } from '../db/rows.js';
import { loadVideoEmbeddings, type VideoEmbeddings } from '../embeddings/repo.js';
import type { Deviation, DeviationType, TimeRange } from '../scoring/types.js';
import { getVideo } from '../video-repo/repo.js';
import { thumbnailUrl } from '../video-repo/frame.js';
import { FINAL_PASSED_SQL, type ScoreRow } from './repo.js';

export interface SimilarMatch {
  score_id: string;
  video_id: string;
  worker_id: string | null;
  station: string | null;
  performed_at: string | null;
  type: DeviationType;
  severity: string;
  same_type: boolean;
  step: { index: number; name: string };
  start_sec: number | null;
  end_sec: number | null;
  /** Cosine distance between the two deviations' footage (mean clip vectors); null when either has none. */
  distance: number | null;
  thumbnail_url: string;
}

export interface SimilarGroup {
  deviation_index: number;
  type: DeviationType;
  gold_step: { index: number; name: string };
  matches: SimilarMatch[];
}

const MAX_GROUPS = 10;
const PER_GROUP = 3;
const CANDIDATES = 50;

/** Mean of the clip vectors overlapping a time range (unnormalised; cosine does not care). */
function meanOver(e: VideoEmbeddings, r: TimeRange): Float32Array | null {
  const { matrix, times } = e;
  const q = new Float32Array(matrix.dim);
  let n = 0;
  for (let c = 0; c < matrix.rows; c++) {
    if (times.end_sec[c] <= r.start_sec || times.start_sec[c] >= r.end_sec) continue;
    for (let k = 0; k < matrix.dim; k++) q[k] += matrix.data[c * matrix.dim + k];
    n++;
  }
  return n ? q : null;
}

function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return Math.round((1 - dot / Math.sqrt(na * nb || 1)) * 10000) / 10000;
}

interface Candidate {
  id: string;
  trainee_video_id: string;
  worker_id: string | null;
  station: string | null;
  performed_at: string | null;
  deviations: Deviation[];
}

/**
 * For each deviation of this score that names a gold step: earlier failed runs of the same task
 * and gold with a fault on that same step (on either step of a swap). The same deviation type first, then the nearest by
 * footage (clip embeddings of the two deviations), then the most recent; one entry per run, and
 * never a run with no fault on that step. Only each trainee video's current score counts.
 */
export async function similarFailures(ctx: Context, s: ScoreRow, deviations: Deviation[], trainee: VideoEmbeddings | null): Promise<SimilarGroup[]> {
  if (!s.task_id) return [];
  const embeddings = new Map<string, Promise<VideoEmbeddings | null>>();
  const vectorsOf = (videoId: string) => {
    if (!embeddings.has(videoId)) {
      embeddings.set(
        videoId,
        getVideo(ctx.db, videoId).then((v) => (v && v.status === 'indexed' ? loadVideoEmbeddings(ctx.db, ctx.store, v) : null)).catch(() => null),
      );
    }
    return embeddings.get(videoId)!;
  };
  const out: SimilarGroup[] = [];
  for (const [i, d] of deviations.entries()) {
    if (!d.gold_step || out.length >= MAX_GROUPS) continue;
    const step = d.gold_step;
    // A swap is on both of its steps: a past fault on either is like it.
    const steps = [step.index, ...(d.type === 'order_swap' && d.other_step ? [d.other_step.index] : [])];
    const r = await ctx.db.query(
      `SELECT id, trainee_video_id, worker_id, station, coalesce(performed_at, created_at) AS performed_at, result->'deviations' AS deviations
         FROM scores
        WHERE task_id = $1 AND gold_video_id = $2 AND status = 'completed' AND id <> $3 AND trainee_video_id <> $4
          AND ${FINAL_PASSED_SQL} = false
          AND (result->'deviations' @> $5::jsonb OR result->'deviations' @> $6::jsonb)
          AND NOT EXISTS (SELECT 1 FROM scores n WHERE n.trainee_video_id = scores.trainee_video_id AND n.status = 'completed' AND (n.created_at, n.id) > (scores.created_at, scores.id))
        ORDER BY created_at DESC, id DESC LIMIT ${CANDIDATES}`,
      [s.task_id, s.gold_video_id, s.id, s.trainee_video_id, ...[steps[0], steps[steps.length - 1]].map((k) => JSON.stringify([{ gold_step: { index: k } }]))],
    );
    const candidates: Candidate[] = r.rows.map((x) => ({ ...x, performed_at: isoTime(x.performed_at), deviations: typeof x.deviations === 'string' ? JSON.parse(x.deviations) : x.deviations }));
    const q = trainee && d.trainee ? meanOver(trainee, d.trainee) : null;
    const ranked: Array<SimilarMatch & { rank: number }> = [];
    for (const [order, c] of candidates.entries()) {
      const onStep = c.deviations.filter((x) => x.gold_step !== null && x.gold_step !== undefined && steps.includes(x.gold_step.index));
      const dv = onStep.find((x) => x.type === d.type) ?? onStep[0];
      if (!dv) continue; // the containment query already guarantees one; kept as the rule itself
      let distance: number | null = null;
      if (q && dv.trainee) {
        const e = await vectorsOf(c.trainee_video_id);
        const v = e && e.matrix.dim === q.length ? meanOver(e, dv.trainee) : null;
        if (v) distance = cosineDistance(q, v);
      }
      const at = dv.trainee ? (dv.trainee.start_sec + dv.trainee.end_sec) / 2 : (step.start_sec + step.end_sec) / 2;
      ranked.push({
        score_id: c.id,
        video_id: c.trainee_video_id,
        worker_id: c.worker_id,
        station: c.station,
        performed_at: c.performed_at,
        type: dv.type,
        severity: dv.severity,
        same_type: dv.type === d.type,
        step: { index: dv.gold_step!.index, name: dv.gold_step!.name },
        start_sec: dv.trainee?.start_sec ?? null,
        end_sec: dv.trainee?.end_sec ?? null,
        distance,
        // A missing step has no trainee footage: show the gold's step instead.
        thumbnail_url: dv.trainee ? thumbnailUrl(c.trainee_video_id, at) : thumbnailUrl(s.gold_video_id, at),
        rank: order,
      });
    }
    ranked.sort((a, b) => Number(b.same_type) - Number(a.same_type) || (a.distance ?? Infinity) - (b.distance ?? Infinity) || a.rank - b.rank);
    const matches = ranked.slice(0, PER_GROUP).map(({ rank: _rank, ...m }) => m);
    if (matches.length) out.push({ deviation_index: i, type: d.type, gold_step: { index: step.index, name: step.name }, matches });
  }
  return out;
}

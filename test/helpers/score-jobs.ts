/**
 * Score jobs on synthetic vectors (shared/scoring/synthetic.ts render()): a gold and a trainee
 * stored as the pipeline stores them (rows + blob), the gold's steps, and one job run through
 * loadScoreInputs + alignVideos, as the align stage runs it. For the prepared-gold cache and the
 * score path's reads.
 */
import type { Context } from '../../shared/context.js';
import { clipsToEmbeddings, saveEmbeddings, saveEmbeddingsBlob, type ClipVector } from '../../shared/embeddings/repo.js';
import { saveSteps } from '../../shared/ingest/steps.js';
import { createScore, getScore, newScoreId } from '../../shared/score-jobs/repo.js';
import { alignVideos, loadScoreInputs, releaseScoreInputs, type ScoreInputs } from '../../shared/score-jobs/compute.js';
import type { render } from '../../shared/scoring/synthetic.js';

export type Rendered = ReturnType<typeof render>;

/** A rendered video's rows as stored clips. */
export function clipsOf(v: Rendered): ClipVector[] {
  const d = v.emb.dim;
  return Array.from({ length: v.emb.rows }, (_, i) => ({ index: i, start_sec: v.times.start_sec[i], end_sec: v.times.end_sec[i], vector: v.emb.data.slice(i * d, (i + 1) * d) }));
}

/** Stores (or rewrites) a video's vectors: its rows and its blob, as the embed stage does. */
export async function storeVectors(ctx: Context, id: string, v: Rendered): Promise<void> {
  const clips = clipsOf(v);
  await saveEmbeddings(ctx.db, id, 'bench', clips);
  await saveEmbeddingsBlob(ctx.store, id, clipsToEmbeddings(clips, 'bench'));
}

/** Gold 'g' (its steps the render's cuts) and trainee 't' of task 'x', indexed. */
export async function storePair(ctx: Context, gold: Rendered, trainee: Rendered): Promise<void> {
  for (const [id, v, role] of [['g', gold, 'gold'], ['t', trainee, 'trainee']] as const) {
    await ctx.db.query("INSERT INTO videos (id, task_id, role, status, embedder, embedding_dim, clip_count) VALUES ($1, 'x', $2, 'indexed', 'bench', $3, $4)", [id, role, v.emb.dim, v.emb.rows]);
    await storeVectors(ctx, id, v);
  }
  await saveSteps(ctx.db, 'g', gold.cuts.slice(0, -1).map((c, k) => ({ index: k, name: `S${k}`, start_clip: c, end_clip: gold.cuts[k + 1], start_sec: c, end_sec: gold.cuts[k + 1] })), 'manual');
}

/**
 * One score job of 't' against 'g': its inputs (still held unless `release`), whether the
 * prepared gold was hit, and the alignment as JSON (its timing left out) to compare outcomes.
 */
export async function runScoreJob(ctx: Context, o: { release?: boolean; beforeLoad?: () => void } = {}): Promise<{ inp: ScoreInputs; hit: boolean; a: string }> {
  const id = newScoreId();
  await createScore(ctx.db, { id, taskId: 'x', goldVideoId: 'g', traineeVideoId: 't', createdBy: 'test' });
  const s = (await getScore(ctx.db, id))!;
  o.beforeLoad?.();
  const inp = await loadScoreInputs(ctx, s);
  const hit = !!inp.goldPrepared;
  const { ms: _ms, ...a } = await alignVideos(ctx, s, inp);
  if (o.release ?? true) releaseScoreInputs(inp);
  return { inp, hit, a: JSON.stringify(a) };
}

import type { Context } from '../context.js';
import { PermanentError } from '../errors.js';
import { loadVideoEmbeddings, loadVideoEmbeddingsUnless, type VideoEmbeddings } from '../embeddings/repo.js';
import { holdPreparedGold, keepPreparedGold, type PreparedGold } from './gold-cache.js';
import { giveBackBytes, takeBytes } from '../embeddings/buffer-pool.js';
import { similarFailures } from './similar-failures.js';
import { loadSteps } from '../ingest/steps.js';
import { costMatrix, configureDtw, dtwBackendInfo } from '../alignment/index.js';
import { dtwDuration } from '../metrics.js';
import { scoreAlignment, resolveScoringOptions, rowMean, centerRowsInPlace, type ScoringBackend, type ScoringOptions } from '../scoring/index.js';
import type { ScoreOutcome } from '../scoring/types.js';
import { getVideo, type VideoRow } from '../video-repo/repo.js';
import type { ScoreRow } from './repo.js';
import { currentAdapter } from '../training/index-versions.js';
import { registerVideos } from './register.js';
import { activityShares, unsharedCells, zeroGridCells } from '../perception/shared-work.js';
import { acceptedLevels } from './accepted-level.js';
import { currentStepTolerances } from '../training/step-models.js';
import { goldConsecutiveRows, meanOf } from '../scoring/score-visits.js';
import { median } from '../scoring/stats.js';
import { tileSteps } from '../scoring/tile-steps.js';
import { otherSceneOutcome } from '../scoring/scene.js';
import { applyAdapter } from '../training/adapter.js';

let dtwConfigured = false;
/** Native (or CUDA) DTW when the addon loaded, the TypeScript reference otherwise; logged once. */
export function scoringBackend(ctx: Context): ScoringBackend {
  if (!dtwConfigured) {
    configureDtw({ useGpu: ctx.config.DTW_USE_GPU });
    const info = dtwBackendInfo();
    ctx.log.info({ backend: info.selected, native: info.native.message, cuda: info.cuda.message }, 'DTW backend');
    if (info.selected === 'ts') ctx.log.warn({ reason: info.native.message }, 'native DTW addon unavailable: using the TypeScript DTW');
    dtwConfigured = true;
  }
  const backend = ctx.config.DTW_BACKEND;
  return { costMatrix: (a, b) => costMatrix(a, b, { useGpu: ctx.config.DTW_USE_GPU, backend }) };
}

export function scoringOptions(ctx: Context): ScoringOptions {
  const extra = ctx.config.SCORING_OPTIONS_JSON ? (JSON.parse(ctx.config.SCORING_OPTIONS_JSON) as Partial<ScoringOptions>) : {};
  return resolveScoringOptions({ ...extra, passThreshold: ctx.config.SCORE_PASS_THRESHOLD });
}

export interface ScoreInputs {
  gold: VideoEmbeddings;
  trainee: VideoEmbeddings;
  /** The two videos' rows (registration reads their stored scene stills). */
  videos: { gold: VideoRow; trainee: VideoRow };
  /**
   * Set when gold.matrix is already centred on `mean` (the process's prepared gold, gold-cache.ts):
   * alignVideos then centres only the trainee. Never write gold.matrix then: it is shared.
   */
  goldPrepared?: { mean: Float64Array; consecutive: number[] };
  /** The gold's vector identity when alignVideos may keep the gold it prepares (gold-cache.ts). */
  goldIdentity?: string;
}

/**
 * The gold's vectors: the prepared gold of an earlier job when its stored vectors are still the
 * same (a conditional GET per object, no bytes read), else read (and marked for keeping, under
 * the identity of what was read, when read from the blob). Only when the engine centres on the
 * gold and no task adapter rewrites the vectors.
 */
async function loadGold(ctx: Context, gv: VideoRow): Promise<{ gold: VideoEmbeddings; prepared?: PreparedGold; identity?: string; memory?: ArrayBufferLike; release?: () => void }> {
  if (ctx.config.SCORE_USE_TASK_ADAPTER || !scoringOptions(ctx).centerOnGold) return { gold: await loadVideoEmbeddings(ctx.db, ctx.store, gv) };
  // This job holds the kept gold before it awaits the read: were the entry evicted or forgotten
  // meanwhile, with no user, its pooled memory would go back to the pool and another job could
  // write into it while this one scores on it.
  const known = holdPreparedGold(gv.id);
  const release = known?.release;
  // Read into pooled memory (buffer-pool.ts): kept with the prepared gold, the pool's again once
  // the gold is out of the cache and no job uses it (gold-cache.ts), or at once when not kept.
  let r;
  try {
    r = await loadVideoEmbeddingsUnless(ctx.db, ctx.store, gv, known?.identity, takeBytes);
  } catch (e) {
    release?.();
    throw e;
  }
  if (r.same) {
    // Still the vectors it was prepared from (used even if another job replaced the entry meanwhile).
    // A fresh object around the shared matrix and times: callers may reassign its fields.
    return { gold: { ...known!.gold.embeddings }, prepared: known!.gold, release };
  }
  release?.();
  return { gold: r.embeddings, identity: r.identity, ...(r.from === 'blob' ? { memory: r.embeddings.matrix.data.buffer } : {}) };
}

/** Loads both videos' vectors; bad pairings are permanent errors with a clear message. */
export async function loadScoreInputs(ctx: Context, s: ScoreRow): Promise<ScoreInputs> {
  const [gv, tv] = await Promise.all([getVideo(ctx.db, s.gold_video_id), getVideo(ctx.db, s.trainee_video_id)]);
  if (!gv) throw new PermanentError(`gold video ${s.gold_video_id} no longer exists`, 'missing_video');
  if (!tv) throw new PermanentError(`trainee video ${s.trainee_video_id} no longer exists`, 'missing_video');
  if (gv.status === 'failed') throw new PermanentError(`gold video ${gv.id} failed to ingest: ${gv.error}`, 'ingest_failed');
  if (tv.status === 'failed') throw new PermanentError(`trainee video ${tv.id} failed to ingest: ${tv.error}`, 'ingest_failed');
  // Both videos' vectors into pooled memory (buffer-pool.ts), given back by releaseScoreInputs.
  const [g, trainee] = await Promise.all([loadGold(ctx, gv), loadVideoEmbeddings(ctx.db, ctx.store, tv, takeBytes)]);
  const gold = g.gold;
  if (!gold.matrix.rows) throw new PermanentError(`gold video ${gv.id} has no clip embeddings`, 'not_indexed');
  if (!trainee.matrix.rows) throw new PermanentError(`trainee video ${tv.id} has no clip embeddings`, 'not_indexed');
  if (gold.matrix.dim !== trainee.matrix.dim || gold.embedder !== trainee.embedder) {
    throw new PermanentError(
      `the videos were embedded by different models (${gold.embedder} vs ${trainee.embedder}); re-ingest the older one`,
      'embedder_mismatch',
    );
  }
  // Opt-in: the task's trained adapter (nightly-train) re-centres both videos' vectors the same way.
  if (ctx.config.SCORE_USE_TASK_ADAPTER && s.task_id && gold.embedder) {
    const adapter = await currentAdapter(ctx, s.task_id, gold.embedder);
    if (adapter) {
      gold.matrix = applyAdapter(adapter, gold.matrix);
      trainee.matrix = applyAdapter(adapter, trainee.matrix);
    }
  }
  const inputs: ScoreInputs = {
    gold,
    trainee,
    videos: { gold: gv, trainee: tv },
    ...(g.prepared ? { goldPrepared: { mean: g.prepared.mean, consecutive: g.prepared.consecutive } } : {}),
    ...(g.identity ? { goldIdentity: g.identity } : {}),
  };
  pooled.set(inputs, { trainee: trainee.matrix.data.buffer, gold: g.memory, goldRelease: g.release });
  return inputs;
}

/** Per job: the trainee's pooled memory; the gold's when read for this job (until kept), or its use of the kept gold. */
const pooled = new WeakMap<ScoreInputs, { trainee: ArrayBufferLike; gold?: ArrayBufferLike; goldRelease?: () => void }>();

/**
 * Gives the vectors' memory back to the pool (buffer-pool.ts) for the next job (the trainee's;
 * the gold's when not kept, else this job's use of the kept gold): call it once nothing reads
 * inp.trainee.matrix or inp.gold.matrix any more (after alignVideos and any use of the
 * vectors). Not calling it is safe (the memory is collected); calling it twice does nothing.
 */
export function releaseScoreInputs(inp: ScoreInputs): void {
  const p = pooled.get(inp);
  if (!p) return;
  pooled.delete(inp);
  giveBackBytes(p.trainee);
  // The gold: this job's use of the kept gold ends (the cache gives its memory back once it is
  // out and unused), or, read for this job and not kept, its memory goes back now.
  if (p.goldRelease) p.goldRelease();
  else if (p.gold) giveBackBytes(p.gold);
}

/**
 * align stage: camera registration, then the scoring engine on the registered, centred vectors
 * (scoreAlignment, with the level of this gold's accepted runs and the per-step tolerances of
 * its step model).
 * The score stage turns this into the stored result.
 */
export async function alignVideos(ctx: Context, s: ScoreRow, inp: ScoreInputs): Promise<{ outcome: ScoreOutcome; ms: number; backend: string; n: number; m: number }> {
  const steps = tileSteps(await loadSteps(ctx.db, s.gold_video_id), inp.gold.matrix.rows);
  if (!steps.length) throw new PermanentError(`gold video ${s.gold_video_id} has no steps (is it a gold video?)`, 'no_steps');
  const backend = scoringBackend(ctx);
  const opts = scoringOptions(ctx);
  const t0 = performance.now();
  // Grid features (work, hybrid-work): the trainee's grid into the gold's camera first.
  const reg = await registerVideos(ctx, inp);
  if (reg?.warped) inp.trainee.matrix = reg.warped;
  // Centre both on the gold mean once, in place (the inputs were loaded for this call only), and
  // tell the engine they are centred: same result, without copying 2 x n x d floats per stage.
  // A prepared gold (gold-cache.ts) is centred already: only the trainee is.
  let run = opts;
  let goldRows = inp.goldPrepared?.consecutive;
  let unshared: number[] = [];
  if (opts.centerOnGold) {
    const mean = inp.goldPrepared?.mean ?? rowMean(inp.gold.matrix);
    // The grid cells where only one of the two videos shows work (perception/shared-work.ts),
    // from the uncentred means: the gold's is its centre, the trainee's is read before centring.
    if (ctx.config.SCORE_SHARED_WORK && reg?.warped && reg.grid) {
      const d = inp.gold.matrix.dim;
      unshared = unsharedCells(activityShares(mean, d, reg.grid), activityShares(rowMean(inp.trainee.matrix), d, reg.grid));
    }
    if (!inp.goldPrepared) centerRowsInPlace(inp.gold.matrix, mean);
    centerRowsInPlace(inp.trainee.matrix, mean);
    run = { ...opts, preCentered: true };
    if (!goldRows) {
      goldRows = goldConsecutiveRows(inp.gold.matrix);
      if (inp.goldIdentity) {
        // The gold's memory is the cache's from here; this job is one of its users until released.
        const p = pooled.get(inp);
        const release = keepPreparedGold(inp.videos.gold.id, inp.goldIdentity, { embeddings: { ...inp.gold }, mean, consecutive: goldRows }, p?.gold);
        if (p) {
          p.gold = undefined;
          p.goldRelease = release;
        } else release();
      }
    }
  } else if (inp.goldPrepared) {
    throw new Error('alignVideos: a centred gold given to an engine that does not centre');
  }
  // The reference level and the per-step tolerances (nightly-train's step model) from this gold's
  // accepted runs, in this vector space.
  goldRows ??= goldConsecutiveRows(inp.gold.matrix);
  const goldConsecutive = Math.round(meanOf(goldRows) * 1000) / 1000;
  if (unshared.length && reg?.grid) {
    // Both centred videos projected off those cells; the gold as a copy (its matrix may be the
    // process's shared prepared gold). The gold's own level above stays the unprojected one: it
    // keys this gold's accepted runs and step model, which belong to the gold, not to this pair.
    const g = inp.gold.matrix;
    inp.gold = { ...inp.gold, matrix: zeroGridCells({ rows: g.rows, dim: g.dim, data: g.data.slice(0, g.rows * g.dim) }, reg.grid, unshared) };
    zeroGridCells(inp.trainee.matrix, reg.grid, unshared);
    goldRows = goldConsecutiveRows(inp.gold.matrix);
  }
  const levels = await acceptedLevels(ctx.db, s.gold_video_id, goldConsecutive);
  if (levels.length >= run.visitAcceptedMinRuns) run = { ...run, visitAcceptedLevel: median(levels), visitAcceptedRuns: levels.length };
  const tolerances = await currentStepTolerances(ctx.db, s.gold_video_id, goldConsecutive, steps);
  if (tolerances) run = { ...run, stepTolerances: tolerances };
  let outcome = scoreAlignment(
    { gold: inp.gold.matrix, goldTimes: inp.gold.times, goldSteps: steps, trainee: inp.trainee.matrix, traineeTimes: inp.trainee.times, backend, goldConsecutive: goldRows },
    run,
  );
  if (reg) {
    // Another scene when the static scenes do not register AND the footage does not match the
    // gold's steps either: a scene that never stands still (a render that changes its whole
    // background per step) has no static scene to register, yet plainly shows the procedure.
    const contentMatches = outcome.breakdown.median_step_quality >= run.medianFloor;
    const camera = {
      ...reg.camera,
      registered: reg.camera.same_scene,
      same_scene: reg.camera.same_scene || contentMatches,
      ...(ctx.config.SCORE_SHARED_WORK && reg.grid && reg.warped ? { unshared_cells: Math.round((unshared.length / reg.grid.cellCount) * 1000) / 1000 } : {}),
    };
    outcome = camera.same_scene ? { ...outcome, camera } : otherSceneOutcome(outcome, camera);
  }
  const ms = performance.now() - t0;
  const used = ctx.config.DTW_BACKEND === 'auto' ? dtwBackendInfo().selected : ctx.config.DTW_BACKEND;
  dtwDuration.observe({ backend: used }, ms / 1000);
  return { outcome, ms, backend: used, n: inp.gold.matrix.rows, m: inp.trainee.matrix.rows };
}

/** score stage (inputs loaded afresh, not centred): the similar past failures of each deviation (similar-failures.ts). */
export async function scoreVideos(ctx: Context, s: ScoreRow, outcome: ScoreOutcome, trainee: VideoEmbeddings | null): Promise<unknown[]> {
  return similarFailures(ctx, s, outcome.deviations, trainee).catch((e) => {
    ctx.log.warn({ err: (e as Error).message }, 'similar-failure search failed');
    return [];
  });
}

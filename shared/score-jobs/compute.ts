import type { Context } from '../context.js';
import { PermanentError } from '../errors.js';
import { loadGoldViewEmbeddings, loadVideoEmbeddings, type VideoEmbeddings } from '../embeddings/repo.js';
import { similarFailures } from './similar-failures.js';
import { loadSteps } from '../ingest/steps.js';
import { costMatrix, dtwOnCost, configureDtw, dtwBackendInfo } from '../alignment/index.js';
import { dtwDuration } from '../metrics.js';
import { scoreAlignment, resolveScoringOptions, scoringGoldProfile, rowMean, centerRows, centerRowsInPlace, type ScoringBackend, type ScoringOptions, type GoldProfile } from '../scoring/index.js';
import type { GoldStep } from '../scoring/types.js';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/index.js';
import { getBuffer } from '../store/index.js';
import type { ScoreOutcome } from '../scoring/types.js';
import { getVideo, type VideoRow } from '../video-repo/repo.js';
import { cosine } from '../vectors.js';
import type { ScoreRow } from './repo.js';
import { currentAdapter } from '../training/index-versions.js';
import { registerVideos } from './register.js';
import { acceptedLevels } from './accepted-level.js';
import { currentStepTolerances } from '../training/step-models.js';
import { meanConsecutiveSimilarity } from '../scoring/score-visits.js';
import { median } from '../scoring/gold-profile.js';
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
  return {
    costMatrix: (a, b) => costMatrix(a, b, { useGpu: ctx.config.DTW_USE_GPU, backend }),
    dtwFromCost: (c, n, m, o) => dtwOnCost(c, n, m, { ...o, backend }),
  };
}

export function scoringOptions(ctx: Context): ScoringOptions {
  const extra = ctx.config.SCORING_OPTIONS_JSON ? (JSON.parse(ctx.config.SCORING_OPTIONS_JSON) as Partial<ScoringOptions>) : {};
  return resolveScoringOptions({
    ...extra,
    passThreshold: ctx.config.SCORE_PASS_THRESHOLD,
    ...(ctx.config.DTW_BAND > 0 ? { band: ctx.config.DTW_BAND } : {}),
  });
}

export interface ScoreInputs {
  gold: VideoEmbeddings;
  trainee: VideoEmbeddings;
  /** The two videos' rows (the align stage reads more of their stored objects: gold views). */
  videos: { gold: VideoRow; trainee: VideoRow };
}

/** Loads both videos' vectors; bad pairings are permanent errors with a clear message. */
export async function loadScoreInputs(ctx: Context, s: ScoreRow): Promise<ScoreInputs> {
  const [gv, tv] = await Promise.all([getVideo(ctx.db, s.gold_video_id), getVideo(ctx.db, s.trainee_video_id)]);
  if (!gv) throw new PermanentError(`gold video ${s.gold_video_id} no longer exists`, 'missing_video');
  if (!tv) throw new PermanentError(`trainee video ${s.trainee_video_id} no longer exists`, 'missing_video');
  if (gv.status === 'failed') throw new PermanentError(`gold video ${gv.id} failed to ingest: ${gv.error}`, 'ingest_failed');
  if (tv.status === 'failed') throw new PermanentError(`trainee video ${tv.id} failed to ingest: ${tv.error}`, 'ingest_failed');
  const [gold, trainee] = await Promise.all([
    loadVideoEmbeddings(ctx.db, ctx.store, gv),
    loadVideoEmbeddings(ctx.db, ctx.store, tv),
  ]);
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
  return { gold, trainee, videos: { gold: gv, trainee: tv } };
}

/**
 * The gold profile (each step's expected and "unrelated" similarity) depends only on the gold
 * video, its steps and the options: computed once and kept next to the gold's vectors.
 */
async function cachedGoldProfile(ctx: Context, goldId: string, gold: VideoEmbeddings, steps: GoldStep[], backend: ScoringBackend, opts: ScoringOptions): Promise<GoldProfile> {
  const key = `derived/${goldId}/gold-profile-${createHash('sha256').update(canonicalJson({ steps, opts, embedder: gold.embedder, rows: gold.matrix.rows })).digest('hex').slice(0, 16)}.json`;
  try {
    return JSON.parse((await getBuffer(ctx.store, key)).toString('utf8')) as GoldProfile;
  } catch {
    const p = scoringGoldProfile(gold.matrix, steps, backend, opts);
    await ctx.store.put(key, JSON.stringify(p), { contentType: 'application/json' }).catch(() => undefined);
    return p;
  }
}

/**
 * align stage: camera registration, then the scoring engine on the registered, centred vectors
 * (scoreAlignment: by default the visits method, with the level of this gold's accepted runs and
 * the per-step tolerances of its step model).
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
  let run = opts;
  if (opts.centerOnGold) {
    const mean = rowMean(inp.gold.matrix);
    centerRowsInPlace(inp.gold.matrix, mean);
    centerRowsInPlace(inp.trainee.matrix, mean);
    run = { ...opts, preCentered: true };
  }
  // The profile method's per-gold profile; the visits method's reference from accepted runs.
  const profile = run.method === 'profile' ? await cachedGoldProfile(ctx, s.gold_video_id, inp.gold, steps, backend, run) : undefined;
  if (run.method === 'visits') {
    const goldConsecutive = Math.round(meanConsecutiveSimilarity(inp.gold.matrix) * 1000) / 1000;
    const levels = await acceptedLevels(ctx.db, s.gold_video_id, goldConsecutive);
    if (levels.length >= run.visitAcceptedMinRuns) run = { ...run, visitAcceptedLevel: median(levels), visitAcceptedRuns: levels.length };
    // Per-step tolerances from the gold's current step model (nightly-train), in this vector space.
    const tolerances = await currentStepTolerances(ctx.db, s.gold_video_id, goldConsecutive, steps);
    if (tolerances) run = { ...run, stepTolerances: tolerances };
  }
  let outcome = scoreAlignment(
    { gold: inp.gold.matrix, goldTimes: inp.gold.times, goldSteps: steps, trainee: inp.trainee.matrix, traineeTimes: inp.trainee.times, backend, goldProfile: profile },
    run,
  );
  outcome = await tryGoldViews(ctx, inp.videos, steps, backend, run, outcome);
  if (reg) {
    // Another scene when the static scenes do not register AND the footage does not match the
    // gold's steps either: a scene that never stands still (a render that changes its whole
    // background per step) has no static scene to register, yet plainly shows the procedure.
    const contentMatches = outcome.breakdown.median_step_quality >= run.medianFloor;
    const camera = { ...reg.camera, registered: reg.camera.same_scene, same_scene: reg.camera.same_scene || contentMatches };
    outcome = camera.same_scene ? { ...outcome, camera } : otherSceneOutcome(outcome, camera);
  }
  const ms = performance.now() - t0;
  const used = ctx.config.DTW_BACKEND === 'auto' ? dtwBackendInfo().selected : ctx.config.DTW_BACKEND;
  dtwDuration.observe({ backend: used }, ms / 1000);
  return { outcome, ms, backend: used, n: inp.gold.matrix.rows, m: inp.trainee.matrix.rows };
}

/**
 * A trainee that still matches the gold poorly after view compensation (median step quality
 * below goldViewBelow, but above 0: it shows the procedure at least faintly) may have been
 * filmed from a camera moved further than an offset can fix. Score it also against the gold's synthetic camera views
 * (vision/view-warp.ts, computed at gold ingest): the two whose mean vector is nearest the
 * trainee's, and keep whichever outcome matches the steps best. breakdown.gold_view says which
 * (0 = the gold as filmed).
 */
async function tryGoldViews(
  ctx: Context,
  videos: ScoreInputs['videos'],
  steps: GoldStep[],
  backend: ScoringBackend,
  run: ScoringOptions,
  outcome: ScoreOutcome,
): Promise<ScoreOutcome> {
  outcome.breakdown.gold_view = 0;
  const q0 = outcome.breakdown.median_step_quality;
  // Views are stored without the opt-in task adapter's transform: not comparable when it is on.
  // The visits method judges against the pair, with registration for the camera: no views.
  if (run.method === 'visits' || ctx.config.GOLD_VIEWS === 0 || ctx.config.SCORE_USE_TASK_ADAPTER || !(q0 > 0 && q0 < run.goldViewBelow)) return outcome;
  const { gold: gv, trainee: tv } = videos;
  const views = (await Promise.all(Array.from({ length: ctx.config.GOLD_VIEWS }, (_, k) => loadGoldViewEmbeddings(ctx.store, gv, k + 1))))
    .map((e, k) => ({ e, view: k + 1 }))
    .filter((x): x is { e: VideoEmbeddings; view: number } => x.e !== null);
  if (!views.length) return outcome;
  // Reloaded: alignVideos centred the loaded trainee on the gold's mean, in place.
  const trainee = await loadVideoEmbeddings(ctx.db, ctx.store, tv);
  const tMean = rowMean(trainee.matrix);
  const ranked = views.map((v) => ({ ...v, mean: rowMean(v.e.matrix) })).sort((a, b) => cosine(b.mean, tMean) - cosine(a.mean, tMean));
  let best = outcome;
  for (const v of ranked.slice(0, 2)) {
    // Both centred on this view's mean, as the gold as filmed is on its own (alignVideos).
    const t = centerRows(trainee.matrix, v.mean);
    centerRowsInPlace(v.e.matrix, v.mean);
    const profile = await cachedGoldProfile(ctx, `${gv.id}/view-${v.view}`, v.e, steps, backend, run);
    const o = scoreAlignment(
      { gold: v.e.matrix, goldTimes: v.e.times, goldSteps: steps, trainee: t, traineeTimes: trainee.times, backend, goldProfile: profile },
      run,
    );
    o.breakdown.gold_view = v.view;
    if (o.breakdown.median_step_quality > best.breakdown.median_step_quality) best = o;
  }
  best.breakdown.median_step_quality_as_filmed = q0;
  return best;
}

/** score stage (inputs loaded afresh, not centred): the similar past failures of each deviation (similar-failures.ts). */
export async function scoreVideos(ctx: Context, s: ScoreRow, outcome: ScoreOutcome, trainee: VideoEmbeddings | null): Promise<unknown[]> {
  return similarFailures(ctx, s, outcome.deviations, trainee).catch((e) => {
    ctx.log.warn({ err: (e as Error).message }, 'similar-failure search failed');
    return [];
  });
}

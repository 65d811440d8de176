// Re-scores an evaluation's stored pairs with today's scoring code and settings, without ingesting
// again: `sopilot eval --data-dir D --out R.json` keeps every video's vectors and every score job
// in D, and R.json names each case's score job. This runs the align stage (registration, centring
// on the gold, the engine) on those stored vectors, judges each case as eval does
// (shared/evaluation/metrics.ts) and prints the cases whose verdict changed and the totals.
// Scoring settings come from the environment as for the product (SOPILOT_SCORING_OPTIONS_JSON,
// SOPILOT_SCORE_SHARED_WORK, ...); a change of features needs a new eval, the vectors are the old.
// It is a study tool: what it finds is confirmed by a whole `sopilot eval` before it counts.
// SOPILOT_PROBE_PART_WEIGHTS="appearance,motion,grid" re-weights hybrid-work vectors' parts (below).
// Usage: node --import tsx scripts/eval/rescore.ts --data-dir D --results R.json
//          (--manifest FILE | --demo-dir DIR)... [--demo-split dev|heldout] [--only ID,...]
//          [--split dev|heldout|all] [--out FILE.json]
// (--split dev: re-score the development part only, to try a change without looking at held out)
// The sets in the order, and with the filters, that produced R.json.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config.js';
import { createContext } from '../../shared/context.js';
import { parseManifest, type EvalCase } from '../../shared/evaluation/manifest.js';
import { judgeCase, runSteps, totalsOf, type CaseResult } from '../../shared/evaluation/metrics.js';
import { getScore } from '../../shared/score-jobs/repo.js';
import { alignVideos, loadScoreInputs, releaseScoreInputs } from '../../shared/score-jobs/compute.js';
import { clearPreparedGolds } from '../../shared/score-jobs/gold-cache.js';
import { loadSteps } from '../../shared/ingest/steps.js';
import { loadDemoDir, type LoadedSet } from '../../cli/eval.js';
import type { Matrix } from '../../shared/alignment/types.js';
import { gridFor, workFeatureDim } from '../../shared/perception/work-features.js';
import { MOTION_DIM } from '../../shared/perception/motion-direction.js';
import { l2normalize } from '../../shared/vision/embedder.js';

const { values: v } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    results: { type: 'string' },
    manifest: { type: 'string', multiple: true },
    'demo-dir': { type: 'string', multiple: true },
    'demo-split': { type: 'string', default: 'dev' },
    only: { type: 'string' },
    split: { type: 'string', default: 'all' },
    out: { type: 'string' },
  },
});
if (!v['data-dir'] || !v.results || !(v.manifest?.length || v['demo-dir']?.length)) {
  console.error('usage: rescore.ts --data-dir D --results R.json (--manifest FILE | --demo-dir DIR)... [--demo-split dev|heldout] [--only ID,...] [--split dev|heldout|all] [--out FILE.json]');
  process.exit(2);
}
const sets: LoadedSet[] = [];
for (const f of v.manifest ?? []) sets.push({ manifest: parseManifest(JSON.parse(await readFile(f, 'utf8'))), baseDir: dirname(resolve(f)), source: f });
for (const d of v['demo-dir'] ?? []) sets.push(await loadDemoDir(d, v['demo-split'] as EvalCase['split']));
const before = (JSON.parse(await readFile(v.results, 'utf8')) as { cases: CaseResult[] }).cases;
const only = v.only?.split(',').map((s) => s.trim()).filter(Boolean);

// The results list each set's cases in manifest order, one set after the other: pair them so.
const pairs: Array<{ set: string; c: EvalCase; old: CaseResult }> = [];
let k = 0;
for (const s of sets) {
  for (const c of s.manifest.cases) {
    if (k < before.length && before[k].id === c.id) pairs.push({ set: s.manifest.name, c, old: before[k++] });
  }
}
if (k !== before.length) throw new Error(`${v.results}: case ${k + 1} (${before[k]?.id}) matches no case of the sets given, in their order`);

// SOPILOT_PROBE_PART_WEIGHTS="appearance,motion,grid": a hybrid-work vector's parts re-weighted at
// score time (the stored vectors' shares are the embedder's; exact, as the parts are joined
// linearly), to try other shares without ingesting again. Gold steps detected at ingest keep the
// stored weights' boundaries.
const probe = process.env.SOPILOT_PROBE_PART_WEIGHTS?.split(',').map(Number);
// The shares the stored vectors were embedded with: this environment's (the product's defaults).
const { EMBEDDER_WORK_WEIGHT: ww, EMBEDDER_MOTION_WEIGHT: mw } = loadConfig(process.env);
const stored = [1 - ww - mw, mw, ww];
const reweight = probe
  ? (m: Matrix): Matrix => {
      const grid = 2 * workFeatureDim(gridFor({ x: 0, y: 0, width: 1, height: 1 }));
      const ends = [m.dim - grid - 2 * MOTION_DIM, m.dim - grid, m.dim];
      const k = probe.map((w, i) => Math.sqrt(w / stored[i]));
      const data = Float32Array.from(m.data);
      for (let r = 0; r < m.rows; r++) {
        let p = 0;
        for (let x = 0; x < m.dim; x++) {
          while (x >= ends[p]) p++;
          data[r * m.dim + x] *= k[p];
        }
        l2normalize(data.subarray(r * m.dim, (r + 1) * m.dim));
      }
      return { rows: m.rows, dim: m.dim, data };
    }
  : null;
const ctx = await createContext(loadConfig({ ...process.env, SOPILOT_DATA_DIR: v['data-dir'], SOPILOT_LOG_LEVEL: process.env.SOPILOT_LOG_LEVEL ?? 'warn' }));
const after: Array<{ set: string; r: CaseResult; old: CaseResult }> = [];
try {
  for (const { set, c, old } of pairs) {
    if ((only && !only.includes(c.id)) || (v.split !== 'all' && c.split !== v.split)) continue;
    if (!old.score_id) {
      after.push({ set, r: old, old }); // an error case: nothing stored to re-score
      continue;
    }
    const row = await getScore(ctx.db, old.score_id);
    if (!row) throw new Error(`score ${old.score_id} (${c.id}) is not in ${v['data-dir']}`);
    clearPreparedGolds(); // each pair from its stored vectors, as a fresh process would
    const inp = await loadScoreInputs(ctx, row);
    if (reweight) (inp.gold.matrix = reweight(inp.gold.matrix)), (inp.trainee.matrix = reweight(inp.trainee.matrix));
    let outcome;
    try {
      ({ outcome } = await alignVideos(ctx, row, inp));
    } finally {
      releaseScoreInputs(inp);
    }
    const goldSteps = (await loadSteps(ctx.db, row.gold_video_id)).map((g) => ({ name: g.name, start_sec: g.start_sec, end_sec: g.end_sec }));
    const r = judgeCase(c, {
      score: outcome.score,
      passed: outcome.passed,
      deviations: outcome.deviations,
      gold_steps: goldSteps,
      same_scene: outcome.camera?.same_scene ?? null,
      breakdown: outcome.breakdown,
      steps: runSteps(outcome.steps),
      ingest_sec: old.ingest_sec,
      score_sec: old.score_sec,
      trainee_duration_sec: old.trainee_duration_sec,
      score_id: old.score_id,
    });
    after.push({ set, r, old });
    if (r.ok !== old.ok) console.log(`${r.ok ? 'now ok ' : 'now MISS'} ${set} ${c.id} (${old.score} -> ${r.score}): ${r.why}`);
  }
} finally {
  await ctx.close();
}
const same = after.filter((a) => a.r.score === a.old.score && a.r.passed === a.old.passed).length;
console.log(`\n${same}/${after.length} cases with the same score and verdict as in ${v.results}`);
const line = (name: string, rs: CaseResult[]) => `${name.padEnd(28)} ${String(rs.filter((r) => r.ok).length).padStart(3)}/${rs.length}`;
console.log(`\n${'set / split'.padEnd(28)} before -> after (cases ok)`);
for (const set of [...new Set(after.map((a) => a.set))]) {
  for (const sp of ['dev', 'heldout'] as const) {
    const of = after.filter((a) => a.set === set && a.r.split === sp);
    if (of.length) console.log(`${line(`${set} ${sp}`, of.map((a) => a.old))} -> ${of.filter((a) => a.r.ok).length}/${of.length}`);
  }
}
if (v.out) await writeFile(v.out, JSON.stringify({ generated_by: 'scripts/eval/rescore.ts', cases: after.map((a) => a.r), totals: totalsOf(after.map((a) => a.r)) }, null, 2) + '\n');

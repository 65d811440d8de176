// A gold re-embedded in this process: the embeddings layer's change hook (embeddings/changes.ts)
// drops the prepared gold at once (gold-cache.ts registers with it; the embeddings layer imports
// nothing from the score jobs), and the next score uses the new vectors: its outcome is the one
// a process that never saw the old vectors computes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../shared/config.js';
import { createContext } from '../../shared/context.js';
import { createLogger } from '../../shared/log.js';
import { clipsToEmbeddings, saveEmbeddings, saveEmbeddingsBlob } from '../../shared/embeddings/repo.js';
import { embeddingsChanged, onEmbeddingsChanged } from '../../shared/embeddings/changes.js';
import { saveSteps } from '../../shared/ingest/steps.js';
import { createScore, getScore, newScoreId } from '../../shared/score-jobs/repo.js';
import { alignVideos, loadScoreInputs, releaseScoreInputs } from '../../shared/score-jobs/compute.js';
import { clearPreparedGolds, preparedGoldCount } from '../../shared/score-jobs/gold-cache.js';
import { makeProcedure, makeRng, render } from '../../shared/scoring/synthetic.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('the embeddings layer imports nothing from the score jobs', () => {
  const dir = path.join(root, 'shared/embeddings');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    assert.doesNotMatch(readFileSync(path.join(dir, f), 'utf8'), /from '\.\.\/score-jobs\//, f);
  }
});

test('onEmbeddingsChanged: every listener told, a throwing one does not stop the others, unsubscribe works', () => {
  const seen: string[] = [];
  const offA = onEmbeddingsChanged(() => {
    throw new Error('boom');
  });
  const offB = onEmbeddingsChanged((id) => seen.push(id));
  embeddingsChanged('v1');
  offB();
  embeddingsChanged('v2');
  offA();
  assert.deepEqual(seen, ['v1']);
});

test('re-embed a gold: its prepared gold dropped at once, the next score uses the new vectors', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'score-path-gold-'));
  const env = { PATH: process.env.PATH, SOPILOT_DATA_DIR: dir, SOPILOT_LOG_LEVEL: 'error', SOPILOT_AUTH_REQUIRED: 'false' };
  const ctx = await createContext(loadConfig(env), createLogger({ level: 'error', format: 'json' }));
  try {
    clearPreparedGolds();
    const dim = 48;
    const rng = makeRng(11);
    const proc = makeProcedure(rng, 5, dim, 8, 12);
    const clipsOf = (v: ReturnType<typeof render>) =>
      Array.from({ length: v.emb.rows }, (_, i) => ({ index: i, start_sec: v.times.start_sec[i], end_sec: v.times.end_sec[i], vector: v.emb.data.slice(i * dim, (i + 1) * dim) }));
    const store = async (id: string, v: ReturnType<typeof render>) => {
      const clips = clipsOf(v);
      await saveEmbeddings(ctx.db, id, 'bench', clips);
      await saveEmbeddingsBlob(ctx.store, id, clipsToEmbeddings(clips, 'bench'));
    };
    const gold = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.3);
    const trainee = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.3);
    for (const [id, v, role] of [['g', gold, 'gold'], ['t', trainee, 'trainee']] as const) {
      await ctx.db.query("INSERT INTO videos (id, task_id, role, status, embedder, embedding_dim, clip_count) VALUES ($1, 'x', $2, 'indexed', 'bench', $3, $4)", [id, role, dim, v.emb.rows]);
      await store(id, v);
    }
    await saveSteps(ctx.db, 'g', gold.cuts.slice(0, -1).map((c, k) => ({ index: k, name: `S${k}`, start_clip: c, end_clip: gold.cuts[k + 1], start_sec: c, end_sec: gold.cuts[k + 1] })), 'manual');
    const job = async () => {
      const id = newScoreId();
      await createScore(ctx.db, { id, taskId: 'x', goldVideoId: 'g', traineeVideoId: 't', createdBy: 'test' });
      const s = (await getScore(ctx.db, id))!;
      const inp = await loadScoreInputs(ctx, s);
      const hit = !!inp.goldPrepared;
      const { ms: _ms, ...a } = await alignVideos(ctx, s, inp);
      releaseScoreInputs(inp);
      return { hit, a: JSON.stringify(a) };
    };
    const before = await job();
    assert.equal(before.hit, false);
    assert.ok((await job()).hit);
    assert.equal(preparedGoldCount(), 1);

    // Same clip count and times, other vectors: only the vectors tell the two apart.
    const gold2 = render(rng, proc.models.map((m, i) => ({ model: m, clips: gold.cuts[i + 1] - gold.cuts[i] })), 0.6);
    assert.equal(gold2.emb.rows, gold.emb.rows);
    await store('g', { ...gold2, times: gold.times });
    assert.equal(preparedGoldCount(), 0, 'the rewrite drops the prepared gold before any job runs');
    const after = await job();
    assert.equal(after.hit, false);
    assert.notEqual(after.a, before.a);
    // What a process that never held the old gold computes.
    clearPreparedGolds();
    assert.equal((await job()).a, after.a);
    assert.ok((await job()).hit);
  } finally {
    clearPreparedGolds();
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

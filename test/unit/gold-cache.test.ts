// The prepared gold kept per process (score-jobs/gold-cache.ts): a later job on the same gold
// hits and gives the same outcome to the bit (its trainee read into the previous job's memory); a re-embedded gold (rewritten here, or its blob
// replaced by another process) misses and is prepared afresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../shared/config.js';
import { createContext } from '../../shared/context.js';
import { createLogger } from '../../shared/log.js';
import { clipsToEmbeddings, saveEmbeddings, saveEmbeddingsBlob } from '../../shared/embeddings/repo.js';
import { saveSteps } from '../../shared/ingest/steps.js';
import { createScore, getScore, newScoreId } from '../../shared/score-jobs/repo.js';
import { alignVideos, loadScoreInputs, releaseScoreInputs } from '../../shared/score-jobs/compute.js';
import { clearPreparedGolds, preparedGoldCount } from '../../shared/score-jobs/gold-cache.js';
import { makeProcedure, makeRng, render } from '../../shared/scoring/synthetic.js';

test('prepared gold: same outcome on a hit, a miss after the gold is re-embedded', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gold-cache-'));
  const env = { PATH: process.env.PATH, SOPILOT_DATA_DIR: dir, SOPILOT_LOG_LEVEL: 'error', SOPILOT_AUTH_REQUIRED: 'false' };
  const ctx = await createContext(loadConfig(env), createLogger({ level: 'error', format: 'json' }));
  try {
    clearPreparedGolds();
    const dim = 64;
    const rng = makeRng(3);
    const proc = makeProcedure(rng, 6, dim, 8, 12);
    const clipsOf = (v: ReturnType<typeof render>) =>
      Array.from({ length: v.emb.rows }, (_, i) => ({ index: i, start_sec: v.times.start_sec[i], end_sec: v.times.end_sec[i], vector: v.emb.data.slice(i * dim, (i + 1) * dim) }));
    const store = async (id: string, v: ReturnType<typeof render>) => {
      const clips = clipsOf(v);
      await saveEmbeddings(ctx.db, id, 'bench', clips);
      await saveEmbeddingsBlob(ctx.store, id, clipsToEmbeddings(clips, 'bench'));
    };
    const gold = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.3);
    const trainee = render(rng, proc.models.filter((_, i) => i !== 2).map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.3);
    for (const [id, v, role] of [['g', gold, 'gold'], ['t', trainee, 'trainee']] as const) {
      await ctx.db.query("INSERT INTO videos (id, task_id, role, status, embedder, embedding_dim, clip_count) VALUES ($1, 'x', $2, 'indexed', 'bench', $3, $4)", [id, role, dim, v.emb.rows]);
      await store(id, v);
    }
    await saveSteps(ctx.db, 'g', gold.cuts.slice(0, -1).map((c, k) => ({ index: k, name: `S${k}`, start_clip: c, end_clip: gold.cuts[k + 1], start_sec: c, end_sec: gold.cuts[k + 1] })), 'manual');
    const job = async () => {
      const id = newScoreId();
      await createScore(ctx.db, { id, taskId: 'x', goldVideoId: 'g', traineeVideoId: 't', createdBy: 'test' });
      const inp = await loadScoreInputs(ctx, (await getScore(ctx.db, id))!);
      const hit = !!inp.goldPrepared;
      const { ms: _ms, ...a } = await alignVideos(ctx, (await getScore(ctx.db, id))!, inp);
      // The trainee's memory back to the pool: the next job reads its trainee into it.
      releaseScoreInputs(inp);
      return { hit, a: JSON.stringify(a) };
    };
    const first = await job();
    assert.equal(first.hit, false);
    assert.equal(preparedGoldCount(), 1);
    const second = await job();
    assert.equal(second.hit, true);
    assert.equal(second.a, first.a);
    assert.ok((await job()).hit);

    // Re-embedded in this process: forgotten at once, then prepared afresh from the new vectors.
    const gold2 = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.5);
    await store('g', gold2);
    const third = await job();
    assert.equal(third.hit, false);
    clearPreparedGolds();
    const fresh = await job();
    assert.equal(fresh.hit, false);
    assert.equal(third.a, fresh.a);
    assert.notEqual(third.a, first.a);
    assert.ok((await job()).hit);

    // The blob replaced behind this process's back (another worker re-embedded): the identity differs.
    await new Promise((r) => setTimeout(r, 20));
    const gold3 = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.2);
    const e3 = clipsToEmbeddings(clipsOf(gold3), 'bench');
    await ctx.store.put('derived/g/embeddings.f32', Buffer.from(e3.matrix.data.buffer, e3.matrix.data.byteOffset, e3.matrix.data.byteLength));
    const fourth = await job();
    assert.equal(fourth.hit, false);
    clearPreparedGolds();
    assert.equal((await job()).a, fourth.a);
  } finally {
    clearPreparedGolds();
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

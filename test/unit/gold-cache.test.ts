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
import { clipsToEmbeddings } from '../../shared/embeddings/repo.js';
import { clipsOf, runScoreJob, storePair, storeVectors } from '../helpers/score-jobs.js';
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
    const gold = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.3);
    const trainee = render(rng, proc.models.filter((_, i) => i !== 2).map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.3);
    await storePair(ctx, gold, trainee);
    // Each job gives its trainee's memory back to the pool: the next job reads its trainee into it.
    const job = () => runScoreJob(ctx);
    const first = await job();
    assert.equal(first.hit, false);
    assert.equal(preparedGoldCount(), 1);
    const second = await job();
    assert.equal(second.hit, true);
    assert.equal(second.a, first.a);
    assert.ok((await job()).hit);

    // Re-embedded in this process: forgotten at once, then prepared afresh from the new vectors.
    const gold2 = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.5);
    await storeVectors(ctx, 'g', gold2);
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

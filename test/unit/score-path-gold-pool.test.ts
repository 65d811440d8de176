// The gold's pooled memory (gold-cache.ts + buffer-pool.ts): a gold dropped from the cache while
// a job still uses it stays that job's until it releases; only then does the memory go back to
// the pool, and the next job's outcome is unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../shared/config.js';
import { createContext } from '../../shared/context.js';
import { createLogger } from '../../shared/log.js';
import { freeBuffers } from '../../shared/embeddings/buffer-pool.js';
import { releaseScoreInputs } from '../../shared/score-jobs/compute.js';
import { runScoreJob, storePair } from '../helpers/score-jobs.js';
import { clearPreparedGolds } from '../../shared/score-jobs/gold-cache.js';
import { makeProcedure, makeRng, render } from '../../shared/scoring/synthetic.js';

test('a dropped gold in use keeps its memory until its job releases; outcomes unchanged', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'score-path-pool-'));
  const env = { PATH: process.env.PATH, SOPILOT_DATA_DIR: dir, SOPILOT_LOG_LEVEL: 'error', SOPILOT_AUTH_REQUIRED: 'false' };
  const ctx = await createContext(loadConfig(env), createLogger({ level: 'error', format: 'json' }));
  try {
    clearPreparedGolds();
    const dim = 40;
    const rng = makeRng(17);
    const proc = makeProcedure(rng, 5, dim, 8, 12);
    const gold = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.3);
    const trainee = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] + 1 })), 0.3);
    await storePair(ctx, gold, trainee);
    // Jobs that keep their inputs until the test releases them.
    const start = () => runScoreJob(ctx, { release: false });
    const first = await start();
    releaseScoreInputs(first.inp);
    const before = freeBuffers();
    // A job on the kept gold, not yet released, while the gold is dropped.
    const busy = await start();
    assert.ok(busy.hit);
    const goldData = busy.inp.gold.matrix.data;
    const snapshot = goldData.slice();
    clearPreparedGolds();
    // Other jobs run meanwhile (they read their gold and trainee into pooled memory).
    for (let i = 0; i < 3; i++) {
      const j = await start();
      assert.equal(j.a, first.a);
      releaseScoreInputs(j.inp);
      clearPreparedGolds();
    }
    assert.deepEqual(goldData, snapshot, 'the busy job\'s gold was not lent to another job');
    releaseScoreInputs(busy.inp);
    assert.ok(freeBuffers() >= Math.min(2, before));
    const after = await start();
    assert.equal(after.a, first.a);
    releaseScoreInputs(after.inp);

    // The kept gold dropped while a job waits on the store to confirm it (another job evicted it,
    // or its vectors were rewritten): the waiting job already holds it, so its memory stays out of
    // the pool until that job releases.
    const read = ctx.store.read.bind(ctx.store);
    let dropped = false;
    ctx.store.read = async (key, o) => {
      if (!dropped && o?.ifNoneMatch !== undefined) {
        dropped = true;
        clearPreparedGolds();
      }
      return read(key, o);
    };
    // The pool's free count across a job start, first with the gold kept throughout (control).
    dropped = true;
    let freeBefore = freeBuffers();
    const control = await start();
    assert.ok(control.hit);
    const controlDelta = freeBuffers() - freeBefore;
    releaseScoreInputs(control.inp);
    dropped = false;
    freeBefore = freeBuffers();
    const waiting = await start();
    assert.ok(dropped && waiting.hit);
    assert.equal(freeBuffers() - freeBefore, controlDelta, 'the dropped gold\'s memory went back to the pool while a job held it');
    assert.equal(waiting.a, first.a);
    const held = freeBuffers();
    releaseScoreInputs(waiting.inp);
    assert.ok(freeBuffers() >= held + 2, 'released: its trainee and the dropped gold\'s memory are the pool\'s again');
    ctx.store.read = read;
  } finally {
    clearPreparedGolds();
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

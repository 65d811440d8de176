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
import { embeddingsChanged, onEmbeddingsChanged } from '../../shared/embeddings/changes.js';
import { runScoreJob, storePair, storeVectors } from '../helpers/score-jobs.js';
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
    const gold = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.3);
    const trainee = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.3);
    await storePair(ctx, gold, trainee);
    const job = () => runScoreJob(ctx);
    const before = await job();
    assert.equal(before.hit, false);
    assert.ok((await job()).hit);
    assert.equal(preparedGoldCount(), 1);

    // Same clip count and times, other vectors: only the vectors tell the two apart.
    const gold2 = render(rng, proc.models.map((m, i) => ({ model: m, clips: gold.cuts[i + 1] - gold.cuts[i] })), 0.6);
    assert.equal(gold2.emb.rows, gold.emb.rows);
    await storeVectors(ctx, 'g', { ...gold2, times: gold.times });
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

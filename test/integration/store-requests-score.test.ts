// What a score job asks the S3 store (a real s3rver, started here; every HTTP request it
// receives counted): no HEAD anywhere on the read path. A gold's first job: one GET per object
// (the two blobs, the two sidecars, the two scene stills: missing here, one 404 GET each); a
// later job on the same gold: conditional GETs for the gold's two objects, answered 304 (no
// body), and the same outcome. A gold blob replaced by another process is read afresh. A missing
// object is still ObjectNotFoundError, after one GET. S3Store.read fills the buffer it is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncomingMessage, ServerResponse, Server } from 'node:http';
import { loadConfig } from '../../shared/config.js';
import { createContext } from '../../shared/context.js';
import { createLogger } from '../../shared/log.js';
import { clipsToEmbeddings } from '../../shared/embeddings/repo.js';
import { clipsOf, runScoreJob, storePair } from '../helpers/score-jobs.js';
import { clearPreparedGolds } from '../../shared/score-jobs/gold-cache.js';
import { getBuffer, ObjectNotFoundError } from '../../shared/store/index.js';
import type { S3Store } from '../../shared/store/s3.js';
import { makeProcedure, makeRng, render } from '../../shared/scoring/synthetic.js';

type S3rverCtor = new (o: Record<string, unknown>) => { run(): Promise<{ port: number }>; close(): Promise<void>; httpServer?: Server };

interface Req {
  method: string;
  key: string;
  status: number;
  conditional: boolean;
}

test('score job on S3: GETs only, one per object; a later job on the gold: conditional GETs answered 304', async () => {
  const { default: S3rver } = (await import('s3rver')) as unknown as { default: S3rverCtor };
  const s3dir = mkdtempSync(path.join(os.tmpdir(), 's3rver-requests-'));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'store-requests-'));
  const bucket = 'requests';
  const server = new S3rver({ port: 0, address: '127.0.0.1', directory: s3dir, silent: true, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const log: Req[] = [];
  server.httpServer!.on('request', (req: IncomingMessage, res: ServerResponse) => {
    res.on('finish', () => {
      const key = decodeURIComponent(new URL(req.url!, 'http://x').pathname.replace(`/${bucket}/`, ''));
      log.push({ method: req.method!, key, status: res.statusCode, conditional: req.headers['if-none-match'] !== undefined });
    });
  });
  const env = {
    PATH: process.env.PATH,
    SOPILOT_DATA_DIR: dataDir,
    SOPILOT_LOG_LEVEL: 'error',
    SOPILOT_AUTH_REQUIRED: 'false',
    SOPILOT_STORE_ENDPOINT: `http://127.0.0.1:${port}`,
    SOPILOT_STORE_BUCKET: bucket,
    SOPILOT_STORE_ACCESS_KEY: 'S3RVER',
    SOPILOT_STORE_SECRET_KEY: 'S3RVER',
  };
  const ctx = await createContext(loadConfig(env), createLogger({ level: 'error', format: 'json' }));
  try {
    assert.equal(ctx.store.kind, 's3');
    clearPreparedGolds();
    const dim = 32;
    const rng = makeRng(5);
    const proc = makeProcedure(rng, 5, dim, 8, 12);
    const gold = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.3);
    const trainee = render(rng, proc.models.map((m, i) => ({ model: m, clips: proc.lengths[i] })), 0.3);
    await storePair(ctx, gold, trainee);
    // A job and the requests its reads made (the log cleared once the score row exists).
    const job = async () => {
      const r = await runScoreJob(ctx, { beforeLoad: () => void (log.length = 0) });
      return { ...r, requests: log.splice(0).sort((x, y) => x.key.localeCompare(y.key)) };
    };
    const objects = ['derived/g/embeddings.f32', 'derived/g/embeddings.json', 'derived/g/scene-still.bin', 'derived/t/embeddings.f32', 'derived/t/embeddings.json', 'derived/t/scene-still.bin'];
    const gets = (r: Req[]) => r.map((x) => `${x.method} ${x.key} ${x.status}${x.conditional ? ' if-none-match' : ''}`);

    const cold = await job();
    assert.equal(cold.hit, false);
    assert.deepEqual(gets(cold.requests), objects.map((k) => `GET ${k} ${k.endsWith('scene-still.bin') ? 404 : 200}`));

    const warm = await job();
    assert.equal(warm.hit, true);
    assert.equal(warm.a, cold.a);
    assert.deepEqual(gets(warm.requests), [
      'GET derived/g/embeddings.f32 304 if-none-match',
      'GET derived/g/embeddings.json 304 if-none-match',
      'GET derived/g/scene-still.bin 404',
      'GET derived/t/embeddings.f32 200',
      'GET derived/t/embeddings.json 200',
      'GET derived/t/scene-still.bin 404',
    ]);

    // The gold's blob replaced behind this process's back (another worker): read afresh, whole,
    // and its sidecar (unchanged: 304) read again to go with it.
    const gold2 = render(rng, proc.models.map((m, i) => ({ model: m, clips: gold.cuts[i + 1] - gold.cuts[i] })), 0.6);
    const e2 = clipsToEmbeddings(clipsOf({ ...gold2, times: gold.times }), 'bench');
    await ctx.store.put('derived/g/embeddings.f32', Buffer.from(e2.matrix.data.buffer, e2.matrix.data.byteOffset, e2.matrix.data.byteLength));
    const replaced = await job();
    assert.equal(replaced.hit, false);
    assert.notEqual(replaced.a, cold.a);
    assert.ok(replaced.requests.every((r) => r.method === 'GET'));
    assert.deepEqual(gets(replaced.requests.filter((r) => r.key.startsWith('derived/g/embeddings'))), [
      'GET derived/g/embeddings.f32 200 if-none-match',
      'GET derived/g/embeddings.json 304 if-none-match',
      'GET derived/g/embeddings.json 200',
    ]);
    clearPreparedGolds();
    assert.equal((await job()).a, replaced.a);

    // A missing object: the same error as before, after one GET.
    log.length = 0;
    await assert.rejects(getBuffer(ctx.store, 'derived/nope/embeddings.f32'), ObjectNotFoundError);
    await assert.rejects((ctx.store as S3Store).read('derived/nope/embeddings.f32'), ObjectNotFoundError);
    await assert.rejects(ctx.store.get('derived/nope/embeddings.f32'), ObjectNotFoundError);
    assert.deepEqual(log.map((r) => `${r.method} ${r.status}`), ['GET 404', 'GET 404', 'GET 404']);

    // read() fills the buffer it is given (the pool's), sized from the response.
    let asked = -1;
    const mine = Buffer.alloc(1 << 16);
    const r = await (ctx.store as S3Store).read('derived/t/embeddings.f32', { alloc: (n) => ((asked = n), mine.subarray(0, n)) });
    assert.equal(asked, trainee.emb.rows * dim * 4);
    assert.equal(r!.bytes.buffer, mine.buffer);
    assert.deepEqual(new Float32Array(r!.bytes.buffer, r!.bytes.byteOffset, r!.bytes.length / 4), trainee.emb.data.subarray(0, trainee.emb.rows * dim));
    assert.equal(r!.info.size, asked);
    assert.equal(await (ctx.store as S3Store).read('derived/t/embeddings.f32', { ifNoneMatch: r!.info.etag }), null);
  } finally {
    clearPreparedGolds();
    await ctx.close();
    await server.close();
    rmSync(s3dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});

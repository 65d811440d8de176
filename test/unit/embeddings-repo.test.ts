/**
 * Clip vectors saved in binary (bytea, and pgvector's binary input) hold the same values as
 * the text form `x.toFixed(6)` they were once written in, on PGlite and on real Postgres.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, type Db } from '../../shared/db/index.js';
import { loadEmbeddings, round6, saveEmbeddings, type ClipVector } from '../../shared/embeddings/repo.js';
import { freshDatabase } from '../helpers/services.js';

/** Unit vectors with the hard cases in them: ties at the 7th decimal, -0, tiny negatives. */
function clips(n: number, dim: number): ClipVector[] {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  const edge = [0, -0, 1, -1, 1 / 128, -1 / 128, 3 / 128, -5 / 128, 1e-9, -1e-9, 5e-7, -5e-7, 4.9999997e-7, 0.0000015, -0.0000025];
  return Array.from({ length: n }, (_, i) => {
    const v = new Float32Array(dim);
    for (let j = 0; j < dim; j++) v[j] = rand() / 20;
    if (i === 0) v.set(edge);
    return { index: i, start_sec: i / 2, end_sec: i / 2 + 1, vector: v };
  });
}

test('round6 rounds a float32 as toFixed(6) does', () => {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < 200_000; i++) {
    // Random bit patterns (their part below 1), and the exact ties at the 7th decimal, odd k / 128.
    u[0] = (Math.random() * 2 ** 32) >>> 0;
    const x = i % 3 === 0 ? ((i % 2 ? -1 : 1) * (2 * (i % 128) + 1)) / 128 : f[0] % 1 || 0;
    const want = Math.fround(Number(x.toFixed(6)));
    assert.ok(Object.is(Math.fround(round6(x)), want), `${x}: ${round6(x)} vs ${x.toFixed(6)}`);
  }
});

async function assertSameAsText(db: Db): Promise<void> {
  const c = clips(5, 4608);
  await db.query(`INSERT INTO videos (id, task_id, role, status) VALUES ('v1', 't', 'trainee', 'indexed')`);
  await saveEmbeddings(db, 'v1', 'e@1', c);
  const stored = await db.query<{ clip_index: number; vec: string }>('SELECT clip_index, vec::text AS vec FROM clip_embeddings WHERE video_id = $1 ORDER BY clip_index', ['v1']);
  assert.equal(stored.rows.length, c.length);
  for (const r of stored.rows) {
    const text = `[${Array.from(c[r.clip_index].vector, (x) => x.toFixed(6)).join(',')}]`;
    const want = await db.query<{ vec: string }>('SELECT $1::vector::text AS vec', [text]);
    assert.equal(r.vec, want.rows[0].vec, `clip ${r.clip_index}`);
  }
  const back = await loadEmbeddings(db, 'v1');
  assert.deepEqual(back.matrix.data, Float32Array.from(c.flatMap((x) => Array.from(x.vector))));
}

test('PGlite: saved vectors equal the text form, bytea round-trips', async () => {
  const db = await openDb({});
  try {
    assert.equal(db.hasVector, true);
    await assertSameAsText(db);
  } finally {
    await db.close();
  }
});

let pgDb: Awaited<ReturnType<typeof freshDatabase>> | undefined;
after(async () => pgDb?.drop());

test('Postgres: saved vectors equal the text form, bytea round-trips', async (t) => {
  pgDb = await freshDatabase();
  const db = await openDb({ url: pgDb.url, poolMax: 2 });
  try {
    if (!db.hasVector) return t.skip('pgvector not installed (scripts/ci/install-pgvector.sh)');
    await assertSameAsText(db);
  } finally {
    await db.close();
  }
});

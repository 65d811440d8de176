import type { Db } from '../db/index.js';
import type { Matrix } from '../alignment/types.js';
import type { ObjectStore } from '../store/index.js';
import { embeddingsChanged } from './changes.js';

export interface ClipVector {
  index: number;
  start_sec: number;
  end_sec: number;
  vector: Float32Array;
}

export interface VideoEmbeddings {
  matrix: Matrix;
  times: { start_sec: Float64Array; end_sec: Float64Array };
  embedder: string | null;
}

const toBytes = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/**
 * An element rounded to 6 decimals, as the text form `x.toFixed(6)` stored it before (the values
 * in `vec` stay the same). x * 1e6 is exact for a float32 x (24 + 14 significant bits), so one
 * Math.round does toFixed's rounding; toFixed rounds ties away from zero, hence the sign
 * (and `+ 0` turns -0 into 0, as toFixed prints it).
 */
export const round6 = (x: number) => (x < 0 ? -Math.round(-x * 1e6) : Math.round(x * 1e6) + 0) / 1e6;

/**
 * pgvector's binary input (vector_recv: int16 dim, int16 0, big-endian float4s), sent as binary
 * by node-postgres and by PGlite (db/pglite.ts): parsing the text form was most of the insert's
 * time on PGlite (WASM strtof). The float32 of the double
 * round6(x) is the float32 nearest the 6-decimal number, as strtof gives for its text: no
 * 6-decimal number lies within a double's rounding error of a float32 rounding boundary.
 */
export function vecBinary(v: Float32Array): Buffer {
  const b = Buffer.allocUnsafe(4 + 4 * v.length);
  b.writeUInt16BE(v.length, 0);
  b.writeUInt16BE(0, 2);
  for (let i = 0; i < v.length; i++) b.writeFloatBE(round6(v[i]), 4 + 4 * i);
  return b;
}

/**
 * pgvector HNSW indexes need a fixed dimension: one partial index per dimension in use
 * (halfvec, whose HNSW limit of 4000 dims covers 2560-d clip vectors).
 */
export async function ensureVectorIndex(db: Db, dim: number): Promise<void> {
  if (!db.hasVector || dim > 4000) return;
  await db.exec(
    `CREATE INDEX IF NOT EXISTS clip_embeddings_hnsw_${dim} ON clip_embeddings USING hnsw ((vec::halfvec(${dim})) halfvec_cosine_ops) WHERE dim = ${dim}`,
  );
}

/** Replaces a video's clip vectors in one transaction (a retried embed overwrites, never duplicates). */
export async function saveEmbeddings(db: Db, videoId: string, embedder: string, clips: ClipVector[]): Promise<void> {
  const dim = clips[0]?.vector.length ?? 0;
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM clip_embeddings WHERE video_id = $1', [videoId]);
    for (let i = 0; i < clips.length; i += 100) {
      const batch = clips.slice(i, i + 100);
      const params: unknown[] = [];
      const rows = batch.map((c) => {
        const base = [videoId, c.index, c.start_sec, c.end_sec, embedder, dim, toBytes(c.vector)];
        const ph = base.map((v) => `$${params.push(v)}`);
        if (db.hasVector) ph.push(`$${params.push(vecBinary(c.vector))}::vector`);
        return `(${ph.join(', ')})`;
      });
      const cols = `video_id, clip_index, start_sec, end_sec, embedder, dim, embedding${db.hasVector ? ', vec' : ''}`;
      await tx.query(`INSERT INTO clip_embeddings (${cols}) VALUES ${rows.join(', ')}`, params);
    }
  });
}

/** A video's clip vectors as one matrix, read by id (no pgvector needed). */
export async function loadEmbeddings(db: Db, videoId: string): Promise<VideoEmbeddings> {
  const r = await db.query<{ clip_index: number; start_sec: number; end_sec: number; dim: number; embedder: string; embedding: Uint8Array }>(
    'SELECT clip_index, start_sec, end_sec, dim, embedder, embedding FROM clip_embeddings WHERE video_id = $1 ORDER BY clip_index',
    [videoId],
  );
  const n = r.rows.length;
  const dim = n ? r.rows[0].dim : 0;
  const data = new Float32Array(n * dim);
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  r.rows.forEach((row, i) => {
    const b = row.embedding;
    // Copy through a fresh buffer: the driver's bytes may not be 4-byte aligned.
    const f = new Float32Array(new Uint8Array(b).buffer, 0, dim);
    data.set(f, i * dim);
    start[i] = row.start_sec;
    end[i] = row.end_sec;
  });
  return { matrix: { rows: n, dim, data }, times: { start_sec: start, end_sec: end }, embedder: n ? r.rows[0].embedder : null };
}

/**
 * The same vectors as one float32 blob per video in the object store (derived/<id>/embeddings.f32
 * + a JSON sidecar): a score job reads 500 x 2816 floats in one object read instead of parsing
 * 500 bytea rows. The database rows stay the system of record (and the pgvector index).
 */
const embeddingsBlobKey = (videoId: string) => `derived/${videoId}/embeddings.f32`;
const embeddingsMetaKey = (videoId: string) => `derived/${videoId}/embeddings.json`;

/** Clip vectors as one matrix with their times (what the store and the scorer use). */
export function clipsToEmbeddings(clips: ClipVector[], embedder: string): VideoEmbeddings {
  const dim = clips[0]?.vector.length ?? 0;
  const data = new Float32Array(clips.length * dim);
  clips.forEach((c, i) => data.set(c.vector, i * dim));
  return {
    matrix: { rows: clips.length, dim, data },
    times: { start_sec: Float64Array.from(clips, (c) => c.start_sec), end_sec: Float64Array.from(clips, (c) => c.end_sec) },
    embedder,
  };
}

export async function saveEmbeddingsBlob(store: ObjectStore, videoId: string, e: VideoEmbeddings): Promise<void> {
  const { data, rows, dim } = e.matrix;
  // Whatever this process derived from the old vectors is dropped first (changes.ts).
  embeddingsChanged(videoId);
  await store.put(embeddingsBlobKey(videoId), Buffer.from(data.buffer, data.byteOffset, data.byteLength), { contentType: 'application/octet-stream' });
  await store.put(
    embeddingsMetaKey(videoId),
    JSON.stringify({ embedder: e.embedder, dim, rows, start_sec: Array.from(e.times.start_sec), end_sec: Array.from(e.times.end_sec) }),
    { contentType: 'application/json' },
  );
}

type BlobMeta = { embedder: string; dim: number; rows: number; start_sec: number[]; end_sec: number[] };

/** The blob's bytes as vectors, with the sidecar's times, when they agree with each other and with the video row; else null. */
function blobEmbeddings(buf: Buffer, meta: BlobMeta, expect: { embedder: string | null; clips: number | null }): VideoEmbeddings | null {
  if (meta.embedder !== expect.embedder || meta.rows !== expect.clips || buf.length !== meta.rows * meta.dim * 4) return null;
  // Use the bytes in place when aligned (they are: a fresh or pooled buffer); copy otherwise.
  const data = buf.byteOffset % 4 === 0 ? new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4) : new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return { matrix: { rows: meta.rows, dim: meta.dim, data }, times: { start_sec: Float64Array.from(meta.start_sec), end_sec: Float64Array.from(meta.end_sec) }, embedder: meta.embedder };
}

/**
 * What identifies a video's stored vectors as read: the video row's embedder and clip count
 * with the blob's and the sidecar's etags, from the very responses that carried the bytes (so an
 * identity always names the bytes read with it; a re-embed, or a blob replaced alone, gives
 * another). Opaque to callers: compare it, hand it back to loadVideoEmbeddingsUnless.
 */
export type VectorsIdentity = string;
interface IdentityParts {
  embedder: string | null;
  clips: number | null;
  blob: string;
  meta: string;
}
const identityOf = (p: IdentityParts): VectorsIdentity => JSON.stringify([p.embedder, p.clips, p.blob, p.meta]);
function partsOf(id: VectorsIdentity): IdentityParts | null {
  try {
    const [embedder, clips, blob, meta] = JSON.parse(id) as [string | null, number | null, string, string];
    return typeof blob === 'string' && typeof meta === 'string' ? { embedder, clips, blob, meta } : null;
  } catch {
    return null;
  }
}

/**
 * A stored blob when it matches the expected embedder and clip count, else null. Each object in
 * one GET (store.read: no HEAD), both at once. `known`: the identity of vectors the caller
 * holds: each object is read conditionally (S3: If-None-Match, a 304 carries no body), and
 * 'same' comes back when neither changed. One that did not change while the other did is read
 * again whole (the caller's copy may be transformed: a prepared gold is centred).
 */
async function readEmbeddingsBlob(
  store: ObjectStore,
  videoId: string,
  expect: { embedder: string | null; clips: number | null },
  alloc?: (size: number) => Buffer,
  known?: IdentityParts | null,
): Promise<{ embeddings: VideoEmbeddings; identity: VectorsIdentity } | 'same' | null> {
  const blobKey = embeddingsBlobKey(videoId);
  const metaKey = embeddingsMetaKey(videoId);
  const usable = known && known.embedder === expect.embedder && known.clips === expect.clips ? known : null;
  try {
    const blobP = store.read(blobKey, { alloc, ifNoneMatch: usable?.blob });
    blobP.catch(() => {});
    let metaR = await store.read(metaKey, { ifNoneMatch: usable?.meta });
    let blobR = await blobP;
    if (!blobR && !metaR) return 'same';
    // Only one of the two changed: the other read again, whole.
    if (!metaR) metaR = await store.read(metaKey);
    if (!blobR) blobR = await store.read(blobKey, { alloc });
    if (!blobR || !metaR || blobR.info.etag === undefined || metaR.info.etag === undefined) return null;
    const embeddings = blobEmbeddings(blobR.bytes, JSON.parse(metaR.bytes.toString('utf8')) as BlobMeta, expect);
    return embeddings ? { embeddings, identity: identityOf({ ...expect, blob: blobR.info.etag, meta: metaR.info.etag }) } : null;
  } catch {
    /* no blob (older data, or removed) */
  }
  return null;
}

/**
 * A video's vectors unless they are still those the caller holds under `known`
 * (loadVideoEmbeddingsFrom's identity): { same: true } then, after one conditional GET per
 * object and no bytes read. Otherwise as loadVideoEmbeddingsFrom, with the identity of what was
 * read when it came from the blob (the database rows' fallback has none).
 */
export async function loadVideoEmbeddingsUnless(
  db: Db,
  store: ObjectStore,
  video: { id: string; embedder: string | null; clip_count: number | null },
  known: VectorsIdentity | undefined,
  alloc?: (size: number) => Buffer,
): Promise<{ same: true } | { same: false; embeddings: VideoEmbeddings; from: 'blob' | 'db'; identity?: VectorsIdentity }> {
  const r = await readEmbeddingsBlob(store, video.id, { embedder: video.embedder, clips: video.clip_count }, alloc, known ? partsOf(known) : null);
  if (r === 'same') return { same: true };
  if (r) return { same: false, embeddings: r.embeddings, from: 'blob', identity: r.identity };
  return { same: false, embeddings: await loadEmbeddings(db, video.id), from: 'db' };
}

/**
 * A video's vectors: the blob when it matches what the video row says (embedder, clip count),
 * else the database rows.
 */
export async function loadVideoEmbeddings(
  db: Db,
  store: ObjectStore,
  video: { id: string; embedder: string | null; clip_count: number | null },
  alloc?: (size: number) => Buffer,
): Promise<VideoEmbeddings> {
  return (await loadVideoEmbeddingsFrom(db, store, video, alloc)).embeddings;
}

/** loadVideoEmbeddings, saying where the vectors came from. alloc: where a blob is read (the store reads into it). */
export async function loadVideoEmbeddingsFrom(
  db: Db,
  store: ObjectStore,
  video: { id: string; embedder: string | null; clip_count: number | null },
  alloc?: (size: number) => Buffer,
): Promise<{ embeddings: VideoEmbeddings; from: 'blob' | 'db' }> {
  const blob = await readEmbeddingsBlob(store, video.id, { embedder: video.embedder, clips: video.clip_count }, alloc);
  return blob && blob !== 'same' ? { embeddings: blob.embeddings, from: 'blob' } : { embeddings: await loadEmbeddings(db, video.id), from: 'db' };
}


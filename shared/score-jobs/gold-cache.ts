/**
 * The gold as the scoring engine uses it, kept per process: a gold is scored against many
 * trainees, and its vectors read (~9 MB at 500 x 4608), its mean, its centring and its
 * consecutive cosines are the same every time. Kept per gold video under the identity of its
 * stored vectors as read (the embeddings blob's and sidecar's etags, with the video row's
 * embedder and clip count: embeddings/repo.ts VectorsIdentity); each job asks the store whether
 * they are still those (loadVideoEmbeddingsUnless: conditional GETs): a re-embedded gold, or a
 * blob replaced by another process, is read afresh and replaces the entry. A re-embed in this
 * process drops the entry at once (embeddings/changes.ts). Only golds read from the blob are kept (not the database rows'
 * fallback), and only centred ones (compute.ts decides). Entries are never written after they
 * are put: the matrix is shared by every job that hits.
 */
import type { VideoEmbeddings } from '../embeddings/repo.js';
import { onEmbeddingsChanged } from '../embeddings/changes.js';
import { giveBackBytes } from '../embeddings/buffer-pool.js';

export interface PreparedGold {
  /** matrix: the gold's rows centred on `mean` and unit (centerRowsInPlace). */
  embeddings: VideoEmbeddings;
  mean: Float64Array;
  /** goldConsecutiveRows of the centred rows. */
  consecutive: number[];
}

/** Golds kept at once (least recently used out first): ~9 MB each at 500 x 4608. */
export const GOLD_CACHE_ENTRIES = 4;

/**
 * A kept gold. `memory`: the pooled buffer its matrix lies in (buffer-pool.ts), given back to the
 * pool once the entry is out of the cache (evicted, forgotten, replaced) and no job that uses it
 * is still running (`users`: each job that prepared or hit it, until it calls its release).
 * Without that the first job of every new gold left a 9 MB buffer to the garbage collector.
 */
interface Entry {
  identity: string;
  gold: PreparedGold;
  memory?: ArrayBufferLike;
  users: number;
  dropped: boolean;
}
const entries = new Map<string, Entry>();

function drop(e: Entry): void {
  e.dropped = true;
  if (e.users === 0 && e.memory) {
    giveBackBytes(e.memory);
    e.memory = undefined;
  }
}

/** Hands back one job's use of the entry (once; later calls do nothing). */
function releaser(e: Entry): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    e.users--;
    if (e.dropped) drop(e);
  };
}

function remove(videoId: string): void {
  const e = entries.get(videoId);
  if (!e) return;
  entries.delete(videoId);
  drop(e);
}

/**
 * The gold kept for this video, whatever its identity (the caller checks that it still holds),
 * now the most recently used and held by the caller: its memory stays out of the pool, even if
 * the entry is dropped meanwhile, until the caller calls `release` (once it is done with it, or
 * at once when the identity no longer holds).
 */
export function holdPreparedGold(videoId: string): { identity: string; gold: PreparedGold; release: () => void } | null {
  const e = entries.get(videoId);
  if (!e) return null;
  entries.delete(videoId);
  entries.set(videoId, e);
  e.users++;
  return { identity: e.identity, gold: e.gold, release: releaser(e) };
}

/**
 * Keeps a gold a job prepared. memory: the pooled buffer under its matrix (takeBytes), the
 * pool's again once the entry is gone and the job (and any other user) has called its release,
 * which this returns.
 */
export function keepPreparedGold(videoId: string, identity: string, gold: PreparedGold, memory?: ArrayBufferLike): () => void {
  remove(videoId);
  const e: Entry = { identity, gold, memory, users: 1, dropped: false };
  entries.set(videoId, e);
  while (entries.size > GOLD_CACHE_ENTRIES) remove(entries.keys().next().value as string);
  return releaser(e);
}

/** Forgets a gold whose vectors this process rewrites (saveEmbeddingsBlob): no wait for the identity check. */
export function forgetPreparedGold(videoId: string): void {
  remove(videoId);
}

// The embeddings layer says when this process rewrites a video's vectors (embeddings/changes.ts).
onEmbeddingsChanged(forgetPreparedGold);

/** Forgets every gold (benchmarks measure the first job with it; tests start clean). */
export function clearPreparedGolds(): void {
  for (const id of [...entries.keys()]) remove(id);
}

export const preparedGoldCount = () => entries.size;

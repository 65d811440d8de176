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

export interface PreparedGold {
  /** matrix: the gold's rows centred on `mean` and unit (centerRowsInPlace). */
  embeddings: VideoEmbeddings;
  mean: Float64Array;
  /** goldConsecutiveRows of the centred rows. */
  consecutive: number[];
}

/** Golds kept at once (least recently used out first): ~9 MB each at 500 x 4608. */
export const GOLD_CACHE_ENTRIES = 4;
const entries = new Map<string, { identity: string; gold: PreparedGold }>();

/** The gold prepared under this identity, or null (another identity is dropped: it is stale). */
export function preparedGold(videoId: string, identity: string): PreparedGold | null {
  const e = entries.get(videoId);
  if (!e) return null;
  entries.delete(videoId);
  if (e.identity !== identity) return null;
  entries.set(videoId, e);
  return e.gold;
}

/** The entry kept for this gold, whatever its identity (the caller checks that it still holds), without touching the order. */
export function peekPreparedGold(videoId: string): { identity: string; gold: PreparedGold } | null {
  return entries.get(videoId) ?? null;
}

export function keepPreparedGold(videoId: string, identity: string, gold: PreparedGold): void {
  entries.delete(videoId);
  entries.set(videoId, { identity, gold });
  while (entries.size > GOLD_CACHE_ENTRIES) entries.delete(entries.keys().next().value as string);
}

/** Forgets a gold whose vectors this process rewrites (saveEmbeddingsBlob): no wait for the identity check. */
export function forgetPreparedGold(videoId: string): void {
  entries.delete(videoId);
}

// The embeddings layer says when this process rewrites a video's vectors (embeddings/changes.ts).
onEmbeddingsChanged(forgetPreparedGold);

/** Forgets every gold (benchmarks measure the first job with it; tests start clean). */
export function clearPreparedGolds(): void {
  entries.clear();
}

export const preparedGoldCount = () => entries.size;

import type { Readable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  contentType?: string;
  etag?: string;
  lastModified?: Date;
  metadata?: Record<string, string>;
}

export interface ByteRange {
  start: number;
  /** Inclusive; undefined = to the end. */
  end?: number;
}

export interface GetResult extends ObjectInfo {
  body: Readable;
  /** Present when a range was asked for: what is actually returned. */
  range?: { start: number; end: number };
}

export interface ReadOptions {
  /** Where to read the object: a Buffer of exactly the size asked (the store knows it before reading). */
  alloc?: (size: number) => Buffer;
  /** The etag the caller holds: when the object's etag is still this, nothing is read (read gives null). */
  ifNoneMatch?: string;
}

/** A whole object read at once, with what identifies it (key, size, etag, lastModified; the rest where the store has it for free). */
export interface ReadResult {
  info: ObjectInfo;
  bytes: Buffer;
}

export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
}

/**
 * S3-compatible object store or a local folder with the same behaviour.
 * Keys are '/'-separated. Missing objects raise ObjectNotFoundError.
 */
export interface ObjectStore {
  readonly kind: 's3' | 'local';
  put(key: string, body: Readable | Buffer | string, opts?: PutOptions): Promise<ObjectInfo>;
  get(key: string, range?: ByteRange): Promise<GetResult>;
  head(key: string): Promise<ObjectInfo | null>;
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with prefix; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Cheap reachability check for /readiness. */
  ping(): Promise<void>;
  /**
   * The whole object and its identity in one round trip (S3: one GET, its size from the
   * response; no HEAD first): into opts.alloc(size) when given; null when opts.ifNoneMatch is
   * still its etag (S3: a conditional GET answered 304, no body). Missing: ObjectNotFoundError.
   */
  read(key: string, opts?: ReadOptions): Promise<ReadResult | null>;
}

export class ObjectNotFoundError extends Error {
  constructor(public readonly key: string) {
    super(`object ${key} not found`);
    this.name = 'ObjectNotFoundError';
  }
}

/** The object store did not answer or failed (an outage, not a missing object): HTTP callers get 503 store_unavailable. */
export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

export class RangeNotSatisfiableError extends Error {
  constructor(public readonly size: number) {
    super(`range not satisfiable (object size ${size})`);
    this.name = 'RangeNotSatisfiableError';
  }
}

/**
 * Reads a whole (small) object into memory: for JSON artifacts, never for videos. `alloc`: where
 * to read it (a Buffer of exactly the size asked), for stores that read into place (LocalStore).
 */
export async function getBuffer(store: ObjectStore, key: string, alloc?: (size: number) => Buffer): Promise<Buffer> {
  // Never null: no ifNoneMatch asked.
  return (await store.read(key, { alloc }))!.bytes;
}

export function resolveRange(range: ByteRange | undefined, size: number): { start: number; end: number } | undefined {
  if (!range) return undefined;
  const end = Math.min(range.end ?? size - 1, size - 1);
  if (range.start >= size || range.start > end) throw new RangeNotSatisfiableError(size);
  return { start: range.start, end };
}

export { openStore } from './open.js';

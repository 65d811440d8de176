/**
 * One query interface over real Postgres (pg) and embedded PGlite, so every function runs
 * against either by configuration alone.
 */
export interface QueryResult<T> {
  rows: T[];
  rowCount?: number | null;
}

export interface Db {
  readonly kind: 'pg' | 'pglite';
  /** True when the pgvector extension is installed (embeddings go in a vector column). */
  readonly hasVector: boolean;
  query<T = any>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs fn in one transaction on one connection; rolls back if it throws. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export { openDb } from './open.js';

import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { Db, QueryResult } from './index.js';

type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  // PGlite returns int8 as bigint; pg returns it as number here (see pg.ts): keep both alike.
  for (const k of Object.keys(row)) if (typeof row[k] === 'bigint') row[k] = Number(row[k]);
  return row;
}

class PgliteQuery implements Db {
  readonly kind = 'pglite' as const;
  constructor(
    protected readonly q: Queryable,
    readonly hasVector: boolean,
    private readonly root?: PGlite,
  ) {}
  async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    const r = await this.q.query(sql, params as unknown[]);
    return { rows: (r.rows as Record<string, unknown>[]).map(normaliseRow) as T[], rowCount: r.affectedRows ?? null };
  }
  async exec(sql: string): Promise<void> {
    await this.q.exec(sql);
  }
  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    if (!this.root) {
      // Already inside a transaction: PGlite has one connection, so run inline with a savepoint.
      await this.q.query('SAVEPOINT sp');
      try {
        const out = await fn(this);
        await this.q.query('RELEASE SAVEPOINT sp');
        return out;
      } catch (e) {
        await this.q.query('ROLLBACK TO SAVEPOINT sp');
        throw e;
      }
    }
    return this.root.transaction((tx) => fn(new PgliteQuery(tx, this.hasVector)));
  }
  async close(): Promise<void> {
    await this.root?.close();
  }
}

/**
 * bytea and vector parameters given as bytes go to the server in binary (bytea_recv,
 * vector_recv), as node-postgres sends a Buffer: PGlite's own serializers write bytea as hex and
 * have none for vector, and parsing hex or vector text in the WASM server was most of the time
 * of saving a video's clip vectors (33 rows of 4608-d: ~400 ms against ~20 ms).
 */
async function sendBytesAsBinary(pg: PGlite): Promise<void> {
  const vec = await pg.query<{ oid: number }>("SELECT 'vector'::regtype::oid::int AS oid");
  for (const oid of [types.BYTEA, vec.rows[0].oid]) {
    const text = pg.serializers[oid];
    // PGlite's protocol writer sends any ArrayBuffer view as a binary parameter.
    pg.serializers[oid] = (x: unknown) => (x instanceof Uint8Array ? (x as unknown as string) : text ? text(x) : String(x));
  }
}

/** Embedded PostgreSQL (WASM) stored in a folder; pgvector loaded as an extension. */
export async function openPglite(dataDir: string | undefined): Promise<Db> {
  const pg = await PGlite.create({ dataDir, extensions: { vector } });
  await pg.exec('CREATE EXTENSION IF NOT EXISTS vector');
  await sendBytesAsBinary(pg);
  return new PgliteQuery(pg, true, pg);
}

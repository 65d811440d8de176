import pg from 'pg';
import type { Db, QueryResult } from './index.js';

// bigint counts and ids come back as JS numbers (ids stay far below 2^53).
pg.types.setTypeParser(20, (v: string) => Number(v));
// numeric as number: scores and similarities are stored as numeric/double.
pg.types.setTypeParser(1700, (v: string) => Number(v));

class PgTx implements Db {
  readonly kind = 'pg' as const;
  constructor(
    private readonly client: pg.PoolClient,
    readonly hasVector: boolean,
  ) {}
  async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    const r = await this.client.query(sql, params as unknown[]);
    return { rows: r.rows as T[], rowCount: r.rowCount };
  }
  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }
  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    // Nested: a savepoint keeps the inner work atomic inside the outer transaction.
    await this.client.query('SAVEPOINT sp');
    try {
      const out = await fn(this);
      await this.client.query('RELEASE SAVEPOINT sp');
      return out;
    } catch (e) {
      await this.client.query('ROLLBACK TO SAVEPOINT sp');
      throw e;
    }
  }
  async close(): Promise<void> {}
}

export class PgDb implements Db {
  readonly kind = 'pg' as const;
  hasVector = false;
  constructor(private readonly pool: pg.Pool) {
    // An idle client that loses its server must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
  }
  static create(url: string, max: number): PgDb {
    return new PgDb(new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 }));
  }
  async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    const r = await this.pool.query(sql, params as unknown[]);
    return { rows: r.rows as T[], rowCount: r.rowCount };
  }
  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }
  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(new PgTx(client, this.hasVector));
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}

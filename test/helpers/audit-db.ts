import { readFileSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db } from '../../shared/db/index.js';

// In-memory PGlite wrapped as the Db interface, with only 003_audit applied.
type Q = Pick<PGlite, 'query' | 'exec'> | Transaction;

function wrap(q: Q, root?: PGlite): Db {
  const db: Db = {
    kind: 'pglite',
    hasVector: false,
    async query(sql: string, params?: unknown[]) {
      const r = await q.query(sql, params as unknown[]);
      return { rows: r.rows as any[] };
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
    async transaction(fn) {
      if (!root) return fn(db); // already inside one
      return root.transaction((tx) => fn(wrap(tx)));
    },
    async close() {
      await root?.close();
    },
  };
  return db;
}

export async function auditTestDb(): Promise<{ db: Db; pg: PGlite }> {
  const pg = await PGlite.create();
  await pg.exec(readFileSync(new URL('../../shared/db/migrations/003_audit.sql', import.meta.url), 'utf8'));
  return { db: wrap(pg, pg), pg };
}

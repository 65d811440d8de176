import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Db } from './index.js';
import { PgDb } from './pg.js';
import { migrate } from './migrate.js';

export interface OpenDbOptions {
  url?: string;
  poolMax?: number;
  /** Folder for the embedded database when no URL is set; undefined = in memory. */
  dataDir?: string;
}

/** Opens Postgres (url) or embedded PGlite (no url) and applies pending migrations. */
export async function openDb(opts: OpenDbOptions): Promise<Db> {
  let db: Db;
  if (opts.url) {
    db = PgDb.create(opts.url, opts.poolMax ?? 10);
  } else {
    const { openPglite } = await import('./pglite.js');
    let dir: string | undefined;
    if (opts.dataDir) {
      dir = path.join(opts.dataDir, 'pglite');
      mkdirSync(dir, { recursive: true });
    }
    db = await openPglite(dir);
  }
  await migrate(db);
  return db;
}

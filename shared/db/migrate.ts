import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './index.js';

// Same id for every process: only one applies migrations at a time.
const MIGRATION_LOCK_ID = 7_411_062_001;

function migrationsDir(): string {
  // Works from source (shared/db) and from the build (dist/shared/db): SQL files stay in the source tree.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'migrations'), path.join(here, '../../../shared/db/migrations')];
  for (const c of candidates) {
    try {
      if (readdirSync(c).some((f) => f.endsWith('.sql'))) return c;
    } catch {
      /* try next */
    }
  }
  throw new Error(`migrations folder not found (looked in ${candidates.join(', ')})`);
}

export function listMigrations(): Array<{ version: string; sql: string }> {
  const dir = migrationsDir();
  return readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.replace(/\.sql$/, ''), sql: readFileSync(path.join(dir, f), 'utf8') }));
}

/** Applies versioned SQL migrations in order, under an advisory lock, each in its own transaction. */
export async function migrate(db: Db): Promise<string[]> {
  const applied: string[] = [];
  // pgvector is optional on real Postgres: scoring reads vectors by id and never needs it.
  try {
    await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
  } catch {
    /* not installed on this server: similarity search is disabled, the rest works */
  }
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await tx.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const m of listMigrations()) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version]);
      applied.push(m.version);
    }
  });
  const ext = await db.query<{ ok: boolean }>("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AS ok");
  const hasVector = Boolean(ext.rows[0]?.ok);
  (db as { hasVector: boolean }).hasVector = hasVector;
  if (hasVector) {
    // Dimension-free column: each embedding dimension gets its own partial HNSW index (see embeddings repo).
    await db.exec('ALTER TABLE clip_embeddings ADD COLUMN IF NOT EXISTS vec vector');
  }
  return applied;
}

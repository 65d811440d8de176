import type { Db } from '../db/index.js';
import type { GoldStep } from '../scoring/types.js';

export interface StoredStep extends GoldStep {
  source: 'auto' | 'manual';
}

export async function loadSteps(db: Db, videoId: string): Promise<StoredStep[]> {
  const r = await db.query<{ step_index: number; name: string; start_clip: number; end_clip: number; start_sec: number; end_sec: number; source: 'auto' | 'manual' }>(
    'SELECT step_index, name, start_clip, end_clip, start_sec, end_sec, source FROM gold_steps WHERE video_id = $1 ORDER BY step_index',
    [videoId],
  );
  return r.rows.map((s) => ({ index: s.step_index, name: s.name, start_clip: s.start_clip, end_clip: s.end_clip, start_sec: s.start_sec, end_sec: s.end_sec, source: s.source }));
}

/** Replaces a gold video's steps (one transaction). */
export async function saveSteps(db: Db, videoId: string, steps: GoldStep[], source: 'auto' | 'manual'): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM gold_steps WHERE video_id = $1', [videoId]);
    for (const s of steps) {
      await tx.query(
        'INSERT INTO gold_steps (video_id, step_index, name, start_clip, end_clip, start_sec, end_sec, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [videoId, s.index, s.name, s.start_clip, s.end_clip, s.start_sec, s.end_sec, source],
      );
    }
  });
}

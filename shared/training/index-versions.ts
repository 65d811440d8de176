import type { Context } from '../context.js';
import { getBuffer } from '../store/index.js';
import type { TaskAdapter } from './adapter.js';

export const adapterKey = (taskId: string, version: number) => `models/adapters/${taskId}/v${version}.json`;

/** The adapter the task's pointer names, or null (no training yet, or a different embedder). */
export async function currentAdapter(ctx: Context, taskId: string, embedder: string): Promise<TaskAdapter | null> {
  const r = await ctx.db.query<{ adapter_key: string | null; embedder: string }>(
    'SELECT v.adapter_key, v.embedder FROM index_pointers p JOIN index_versions v ON v.task_id = p.task_id AND v.version = p.version WHERE p.task_id = $1',
    [taskId],
  );
  const row = r.rows[0];
  if (!row?.adapter_key || row.embedder !== embedder) return null;
  try {
    return JSON.parse((await getBuffer(ctx.store, row.adapter_key)).toString('utf8')) as TaskAdapter;
  } catch {
    return null;
  }
}

/**
 * Ingests one video on the embedded defaults in this (child) process and prints JSON:
 * wall time per stage and the process's peak RSS — run in its own process so the peak is this video's.
 */
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHost } from '../../hosts/start.js';
import { httpFunctions, eventFunctions } from '../../functions/registry.js';
import { loadConfig } from '../../shared/config.js';
import { QUEUES } from '../../shared/events/types.js';
import { registerVideo, newVideoId, rawKey } from '../../shared/video-repo/register.js';
import { createReadStream, statSync } from 'node:fs';

const [video, backend, role = 'trainee'] = process.argv.slice(2);
// 'hybrid-work:no-motion': the default embedder as it was before its motion part (the baseline).
const [name, variant] = backend.split(':');
if (variant && !(name === 'hybrid-work' && variant === 'no-motion')) throw new Error(`unknown backend variant ${backend}`);
const weights = variant ? { SOPILOT_EMBEDDER_MOTION_WEIGHT: '0', SOPILOT_EMBEDDER_WORK_WEIGHT: '0.7' } : {};
if (role !== 'gold' && role !== 'trainee') throw new Error(`role must be gold or trainee, got ${role}`);
const dir = mkdtempSync(path.join(os.tmpdir(), 'sopilot-bench-'));
const started = await startHost({
  config: loadConfig({ PATH: process.env.PATH, SOPILOT_DATA_DIR: dir, SOPILOT_LOG_LEVEL: 'error', SOPILOT_EMBEDDER_BACKEND: name, SOPILOT_AUTH_REQUIRED: 'false', ...weights }),
  http: httpFunctions,
  events: eventFunctions,
  queues: QUEUES,
  listen: false,
});
const ctx = started.ctx;
// Warm the embedder so model loading is not counted as ingest time.
const { getEmbedder } = await import('../../shared/ingest/services.js');
await getEmbedder(ctx);
const t0 = performance.now();
const id = newVideoId();
const key = rawKey(id, '.mp4');
await ctx.store.put(key, createReadStream(video), { contentType: 'video/mp4' });
const tUpload = performance.now();
await registerVideo(ctx, { videoId: id, taskId: 'bench', role, objectKey: key, originalName: path.basename(video), contentType: 'video/mp4', sizeBytes: statSync(video).size, sha256: null, uploadedBy: 'bench', uploaderRole: null, source: 'upload' });
await ctx.bus.idle(3_600_000);
const tDone = performance.now();
const jobs = await ctx.db.query<{ kind: string; started_at: Date; finished_at: Date; status: string; error: string | null }>('SELECT kind, started_at, finished_at, status, error FROM jobs WHERE video_id = $1', [id]);
const stage = (k: string) => {
  const j = jobs.rows.find((r) => r.kind === k);
  return j?.finished_at && j.started_at ? new Date(j.finished_at).getTime() - new Date(j.started_at).getTime() : null;
};
const v = (await ctx.db.query<{ status: string; clip_count: number; duration_sec: number }>('SELECT status, clip_count, duration_sec FROM videos WHERE id = $1', [id])).rows[0];
console.log(JSON.stringify({
  video: path.basename(video),
  backend,
  role,
  status: v.status,
  error: jobs.rows.find((r) => r.error)?.error ?? null,
  duration_sec: v.duration_sec,
  clip_count: v.clip_count,
  upload_ms: tUpload - t0,
  ingest_ms: tDone - tUpload,
  total_ms: tDone - t0,
  clip_extract_ms: stage('clip-extract'),
  embed_ms: stage('embed'),
  peak_rss_mb: process.resourceUsage().maxRSS / 1024,
}));
await started.stop();
rmSync(dir, { recursive: true, force: true });
void readFileSync;

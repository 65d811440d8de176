// Renders the bench set: every video of the plan (in worker threads, one ffmpeg each), then
// eval-manifest.json and timeline.json next to them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { resolveFfmpegPath } from '../../media/binaries.js';
import { encodeVideo, type EncodeJob } from './encode.js';
import { evalManifestOf, timelineOf, type Split } from './manifest.js';
import { planBench, type BenchOptions } from './plan.js';
import type { EvalManifest } from '../../evaluation/manifest.js';

export interface GenerateBenchOptions extends BenchOptions {
  outDir: string;
  split?: Split;
  ffmpegPath?: string;
  /** Videos rendered at once, each in its own worker thread (default 2); 1 renders in this thread. */
  concurrency?: number;
  /** Render only these videos (default all); the manifests still list all. */
  only?: string[];
  /** Called as each video is written. */
  onVideo?: (file: string, done: number, total: number) => void;
}

function inWorker(worker: Worker, job: EncodeJob): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { ok: boolean; error?: string }) => {
      worker.off('error', onError);
      if (m.ok) resolve();
      else reject(new Error(m.error));
    };
    const onError = (e: Error) => {
      worker.off('message', onMessage);
      reject(e);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.postMessage(job);
  });
}

export async function generateBench(opts: GenerateBenchOptions): Promise<EvalManifest> {
  const plan = planBench(opts);
  const manifest = evalManifestOf(plan, opts.split ?? 'dev');
  const ffmpeg = resolveFfmpegPath(opts.ffmpegPath);
  await mkdir(opts.outDir, { recursive: true });
  const unknown = opts.only?.filter((n) => !plan.videos.some((v) => v.name === n));
  if (unknown?.length) throw new Error(`unknown bench video(s) ${unknown.join(', ')}; known: ${plan.videos.map((v) => v.name).join(', ')}`);
  const jobs: EncodeJob[] = plan.videos
    .filter((v) => !opts.only || opts.only.includes(v.name))
    .map((video) => ({ video, take: plan.takes.find((t) => t.id === video.take)!, out: join(opts.outDir, video.file), ffmpeg }));
  // Longest first, so the last worker is not left with a long video alone.
  jobs.sort((a, b) => b.video.segments.reduce((s, x) => s + x.durationSec, 0) - a.video.segments.reduce((s, x) => s + x.durationSec, 0));

  const lanes = Math.max(1, Math.min(opts.concurrency ?? 2, jobs.length));
  const workers = lanes > 1 ? Array.from({ length: lanes }, () => new Worker(new URL('./worker-entry.mjs', import.meta.url))) : [];
  let next = 0;
  let done = 0;
  try {
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        while (next < jobs.length) {
          const job = jobs[next++];
          await (workers.length ? inWorker(workers[lane], job) : encodeVideo(job));
          opts.onVideo?.(job.video.file, ++done, jobs.length);
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  await writeFile(join(opts.outDir, 'eval-manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  await writeFile(join(opts.outDir, 'timeline.json'), JSON.stringify(timelineOf(plan), null, 2) + '\n');
  return manifest;
}

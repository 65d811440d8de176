// Renders the demo: each distinct segment once (in parallel), then every variant as a
// concatenation of its segments (concat demuxer, stream copy), and writes manifest.json.
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveFfmpegPath } from '../media/binaries.js';
import { runPool } from '../run-pool.js';
import { manifestOf, planDemo, type DemoManifest, type DemoOptions, type SegmentPlan, type VariantName } from './plan.js';
import { segmentArgs, segmentKey, viewFilter } from './render.js';

const execFileP = promisify(execFile);

export interface GenerateDemoOptions extends DemoOptions {
  outDir: string;
  ffmpegPath?: string;
  /** ffmpeg processes at once (default 2). */
  concurrency?: number;
  /** Render only these variants (default all); the manifest still lists all. */
  only?: VariantName[];
  /** Keep the per-segment files under outDir/.segments (default false). */
  keepSegments?: boolean;
}

async function ffmpeg(bin: string, args: string[], what: string): Promise<void> {
  try {
    await execFileP(bin, args, { maxBuffer: 8 * 1024 * 1024 });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`demo: ffmpeg failed rendering ${what}: ${(e.stderr ?? e.message).trim().split('\n').slice(-5).join(' | ')}`);
  }
}

/** Generates the demo videos and manifest.json in outDir; returns the manifest. */
export async function generateDemo(opts: GenerateDemoOptions): Promise<DemoManifest> {
  const plan = planDemo(opts);
  const manifest = manifestOf(plan);
  const bin = resolveFfmpegPath(opts.ffmpegPath);
  const segDir = join(opts.outDir, '.segments');
  await mkdir(segDir, { recursive: true });

  const variants = plan.variants.filter((v) => !opts.only || opts.only.includes(v.name));
  const unique = new Map<string, SegmentPlan>();
  for (const v of variants) for (const s of v.segments) unique.set(segmentKey(s), s);

  const size = { width: plan.width, height: plan.height, fps: plan.fps };
  await runPool([...unique.entries()], opts.concurrency ?? 2, async ([key, seg]) => {
    await ffmpeg(bin, segmentArgs(seg, size, join(segDir, `${key}.mp4`)), `segment ${key}`);
  });

  await runPool(variants, opts.concurrency ?? 2, async (v) => {
    const list = join(segDir, `${v.name}.txt`);
    await writeFile(list, v.segments.map((s) => `file '${segmentKey(s)}.mp4'\n`).join(''));
    const joined = v.view ? join(segDir, `${v.name}.joined.mp4`) : join(opts.outDir, v.file);
    await ffmpeg(
      bin,
      ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-movflags', '+faststart', joined],
      v.file,
    );
    if (v.view) {
      // Re-filmed with a moved camera: one more encode of the whole video.
      await ffmpeg(
        bin,
        ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', joined, '-vf', viewFilter(v.view, plan.width, plan.height), '-an',
          '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-threads', '1', '-g', String(2 * plan.fps),
          '-movflags', '+faststart', join(opts.outDir, v.file)],
        v.file,
      );
    }
  });

  if (!opts.keepSegments) await rm(segDir, { recursive: true, force: true });
  await writeFile(join(opts.outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

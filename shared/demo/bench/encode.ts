// Renders one bench video: frames from BenchFrames piped as raw RGB into ffmpeg (libx264).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { BenchFrames } from './frame.js';
import type { Take, VideoPlan } from './plan.js';

export interface EncodeJob {
  video: VideoPlan;
  take: Take;
  out: string;
  ffmpeg: string;
}

/** Frames in a video of `duration` seconds at `fps` (frame k shows time k / fps). */
export const frameCount = (duration: number, fps: number) => Math.round(duration * fps - 1e-6);

export async function encodeVideo(job: EncodeJob): Promise<void> {
  const { video, take } = job;
  const frames = new BenchFrames({ performer: take.performer, habit: take.habit, segments: video.segments }, video.shot);
  const { width, height } = video.shot;
  const fps = video.fps;
  const ff = spawn(
    job.ffmpeg,
    ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', '-',
      '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-threads', '1', '-g', String(2 * fps), '-movflags', '+faststart', job.out],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  ff.stderr.on('data', (d) => (stderr += d));
  ff.stdin.on('error', () => {}); // EPIPE when ffmpeg dies; reported from its exit below
  const closed = once(ff, 'close');
  const failed = new Promise<never>((_, reject) => ff.on('error', (e) => reject(new Error(`bench: cannot run ffmpeg (${e.message})`))));
  const buf = new Uint8Array(width * height * 3);
  const n = frameCount(frames.duration, fps);
  const write = async () => {
    try {
      for (let k = 0; k < n && ff.exitCode === null; k++) {
        // A fresh Buffer per frame: the stream may still hold the last one while we draw the next.
        if (!ff.stdin.write(Buffer.from(frames.frame(k / fps, k, buf)))) await Promise.race([once(ff.stdin, 'drain'), closed]);
      }
    } catch {
      // ffmpeg went away (EPIPE): its exit code and stderr say why, below.
    }
    ff.stdin.end();
  };
  await Promise.race([write(), failed]);
  const [code] = (await Promise.race([closed, failed])) as [number | null];
  if (code !== 0) throw new Error(`bench: ffmpeg failed rendering ${video.file} (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

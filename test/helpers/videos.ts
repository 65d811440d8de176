// Small synthetic test videos made with ffmpeg's lavfi sources (fast: tiny sizes, ultrafast x264).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { resolveFfmpegPath } from '../../shared/media/binaries.js';

const execFileP = promisify(execFile);

export type TestPattern = 'color' | 'testsrc' | 'moving-box' | 'noise' | 'bars';

export interface TestVideoOptions {
  durationSec: number;
  fps?: number; // default 10
  width?: number; // default 64
  height?: number; // default 48
  pattern?: TestPattern; // default 'testsrc'
  /** ffmpeg colour (name or 0xRRGGBB) for 'color' and the background of 'moving-box'. */
  color?: string;
  /** Add a sine audio track (to check decoders ignore audio). */
  withAudio?: boolean;
  /** Container/codec: 'mp4' (libx264, default) or 'mkv'/'avi' (mpeg4). */
  container?: 'mp4' | 'mkv' | 'avi';
  ffmpegPath?: string;
}

function source(o: Required<Pick<TestVideoOptions, 'durationSec' | 'fps' | 'width' | 'height' | 'pattern'>> & { color: string }): {
  input: string;
  vf?: string;
} {
  const s = `s=${o.width}x${o.height}:r=${o.fps}:d=${o.durationSec}`;
  switch (o.pattern) {
    case 'color':
      return { input: `color=c=${o.color}:${s}` };
    case 'testsrc':
      return { input: `testsrc=${s}` };
    case 'bars':
      return { input: `smptebars=${s}` };
    case 'noise':
      return { input: `color=c=gray:${s}`, vf: 'noise=alls=60:allf=t+u:all_seed=7' };
    case 'moving-box': {
      // A white box sweeping left to right once over the clip, on a plain background.
      const bw = Math.max(2, Math.round(o.width / 6));
      return {
        input: `color=c=${o.color}:${s}[bg];color=c=white:s=${bw}x${bw}:r=${o.fps}:d=${o.durationSec}[box];` +
          `[bg][box]overlay=x='(W-w)*t/${o.durationSec}':y='(H-h)/2':shortest=1`,
      };
    }
  }
}

/** Writes a small synthetic video to outPath and returns outPath. */
export async function makeTestVideo(outPath: string, opts: TestVideoOptions): Promise<string> {
  const o = {
    durationSec: opts.durationSec,
    fps: opts.fps ?? 10,
    width: opts.width ?? 64,
    height: opts.height ?? 48,
    pattern: opts.pattern ?? 'testsrc',
    color: opts.color ?? 'blue',
  };
  const src = source(o);
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', src.input];
  if (opts.withAudio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:duration=${o.durationSec}`);
  if (src.vf) args.push('-vf', src.vf);
  const container = opts.container ?? 'mp4';
  if (container === 'mp4') {
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p');
    if (opts.withAudio) args.push('-c:a', 'aac');
  } else {
    args.push('-c:v', 'mpeg4', '-q:v', '5', '-pix_fmt', 'yuv420p');
    if (opts.withAudio) args.push('-c:a', container === 'avi' ? 'pcm_s16le' : 'aac');
  }
  args.push('-frames:v', String(Math.round(o.durationSec * o.fps)), outPath);
  await execFileP(resolveFfmpegPath(opts.ffmpegPath), args);
  return outPath;
}

/** An audio-only file (no video stream). */
export async function makeAudioOnly(outPath: string, durationSec = 1, ffmpegPath?: string): Promise<string> {
  await execFileP(resolveFfmpegPath(ffmpegPath), [
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${durationSec}`,
    '-c:a', 'aac', outPath,
  ]);
  return outPath;
}

function garble(buf: Buffer, from: number, to: number, seed: number): void {
  let x = seed;
  for (let i = from; i < to; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    buf[i] = x >> 16;
  }
}

/**
 * A broken video file. Modes:
 *  - 'truncated' (default): an mp4 cut in half with garbled bytes: the index (moov) is gone,
 *    so it cannot even be opened (probe fails).
 *  - 'garbage': random-looking bytes, no header.
 *  - 'midstream': an mp4 with its index first (faststart) whose frame data is garbled from
 *    half-way: it probes fine and decodes about half-way before the decoder fails.
 */
export async function makeCorruptVideo(
  outPath: string,
  mode: 'truncated' | 'garbage' | 'midstream' = 'truncated',
  ffmpegPath?: string,
): Promise<string> {
  if (mode === 'midstream') {
    const tmp = `${outPath}.src.mp4`;
    await execFileP(resolveFfmpegPath(ffmpegPath), [
      '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=64x48:r=10:d=6',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', tmp,
    ]);
    const buf = await readFile(tmp);
    garble(buf, Math.floor(buf.length / 2), Math.floor((buf.length * 3) / 4), 1);
    await writeFile(outPath, buf);
    await unlink(tmp);
    return outPath;
  }
  if (mode === 'garbage') {
    const buf = Buffer.alloc(4096);
    garble(buf, 0, buf.length, 12345);
    await writeFile(outPath, buf);
    return outPath;
  }
  const tmp = `${outPath}.src.mp4`;
  await makeTestVideo(tmp, { durationSec: 2, pattern: 'testsrc', ffmpegPath });
  const full = await readFile(tmp);
  const cut = Buffer.from(full.subarray(0, Math.floor(full.length / 2)));
  for (let i = 64; i < cut.length; i += 97) cut[i] ^= 0xa5; // garble, keep the 'ftyp' header
  await writeFile(outPath, cut);
  await unlink(tmp);
  return outPath;
}

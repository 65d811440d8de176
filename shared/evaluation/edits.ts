// Labelled fault and camera cases made from real takes: each edit of a source video becomes one
// ffmpeg run (a filter graph of trims, time stretches and camera changes), cached by content, so
// a manifest stays a list of recipes and the footage itself never enters the repository.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Edit, VideoRef } from './manifest.js';

const execFileP = promisify(execFile);

/** Edited takes are written at this size and rate unless a camera edit says otherwise. */
export const EDIT_DEFAULTS = { width: 640, height: 360, fps: 30 } as const;

interface Piece {
  input: 0 | 1;
  start: number;
  end: number;
  /** Playback time stretch (2 = twice as slow). */
  stretch: number;
}

/** The source as a list of pieces for one temporal edit (the video's duration is `dur`). */
export function timeline(edit: Edit | undefined, dur: number): Piece[] {
  const p = (start: number, end: number, stretch = 1, input: 0 | 1 = 0): Piece => ({ input, start, end, stretch });
  if (!edit || edit.op === 'camera') return [p(0, dur)];
  const check = (a: number, b: number) => {
    // Labels are read to a tenth of a second: an end up to half a second past the end is the end.
    if (!(a >= 0 && b > a && b <= dur + 0.5)) throw new Error(`edit ${edit.op}: span ${a}-${b} s is outside the video (0-${dur.toFixed(2)} s)`);
  };
  switch (edit.op) {
    case 'cut':
      check(edit.start_sec, edit.end_sec);
      return [p(0, edit.start_sec), p(edit.end_sec, dur)];
    case 'slow':
      check(edit.start_sec, edit.end_sec);
      return [p(0, edit.start_sec), p(edit.start_sec, edit.end_sec, edit.factor), p(edit.end_sec, dur)];
    case 'repeat':
      check(edit.start_sec, edit.end_sec);
      return [p(0, edit.end_sec), p(edit.start_sec, edit.end_sec), p(edit.end_sec, dur)];
    case 'swap': {
      const [a, b] = edit.a[0] < edit.b[0] ? [edit.a, edit.b] : [edit.b, edit.a];
      check(a[0], a[1]);
      check(b[0], b[1]);
      if (a[1] > b[0]) throw new Error('edit swap: the two spans overlap');
      return [p(0, a[0]), p(b[0], b[1]), p(a[1], b[0]), p(a[0], a[1]), p(b[1], dur)];
    }
    case 'replace': {
      check(edit.start_sec, edit.end_sec);
      const len = edit.insert_sec ?? edit.end_sec - edit.start_sec;
      return [p(0, edit.start_sec), p(edit.other_start_sec, edit.other_start_sec + len, 1, 1), p(edit.end_sec, dur)];
    }
  }
}

/** The camera part of the filter graph: crop/pan window, tilt, gain, noise, output size. */
export function cameraFilter(cam: Extract<Edit, { op: 'camera' }> | undefined, w: number, h: number): string {
  const f: string[] = [];
  if (cam?.rotate_deg) {
    const a = (Math.abs(cam.rotate_deg) * Math.PI) / 180;
    // Rotate, then cut the black corners away: the largest centred window of the same aspect.
    const k = 1 / (Math.cos(a) + Math.sin(a) * Math.max(w / h, h / w));
    f.push(`rotate=${((cam.rotate_deg * Math.PI) / 180).toFixed(6)}:fillcolor=black`, `crop=iw*${k.toFixed(5)}:ih*${k.toFixed(5)}`);
  }
  const sx = cam?.shift_x ?? 0;
  const sy = cam?.shift_y ?? 0;
  // A shift is a pan of the crop window: it needs a margin of twice the shift.
  const m = Math.max(cam?.crop ?? 0, 2 * Math.abs(sx), 2 * Math.abs(sy));
  if (m > 0) f.push(`crop=iw*${(1 - m).toFixed(5)}:ih*${(1 - m).toFixed(5)}:(iw-ow)/2+${sx.toFixed(5)}*iw:(ih-oh)/2+${sy.toFixed(5)}*ih`);
  if (cam?.brightness) f.push(`lutyuv=y='clip(val*${(1 + cam.brightness).toFixed(4)},0,255)'`);
  f.push(`scale=${cam?.width ?? w}:${cam?.height ?? h}`, 'setsar=1');
  if (cam?.fps) f.push(`fps=${cam.fps}`);
  if (cam?.noise) f.push(`noise=alls=${cam.noise}:allf=t`);
  f.push('format=yuv420p');
  return f.join(',');
}

/**
 * One encoder thread: with several, x264's bitrate control (the low-rate camera edit) gave
 * another file on every run (three runs, three scores of one case: 80.6, 81.1, 83.0), and an
 * evaluation case must be the same video every time it is made.
 */
const ENCODE = ['-c:v', 'libx264', '-preset', 'ultrafast', '-threads', '1'];

/** ffmpeg arguments that write `out` from `source` (and `other`, for a replace) with `edits`. */
export function editArgs(source: string, durSec: number, edits: Edit[], out: string, other?: string): string[] {
  const temporal = edits.filter((e) => e.op !== 'camera');
  const cameras = edits.filter((e): e is Extract<Edit, { op: 'camera' }> => e.op === 'camera');
  if (temporal.length > 1 || cameras.length > 1) throw new Error('an edited case takes at most one temporal edit and one camera edit');
  const pieces = timeline(temporal[0], durSec).filter((x) => x.end - x.start > 1e-3);
  const { width: w, height: h, fps } = EDIT_DEFAULTS;
  const g: string[] = [];
  // Each input is brought to the edit size and rate once, before it is cut: this ffmpeg's fps
  // filter after a trim pads the piece with its first frame for as long as the trim's start
  // (a 27-38 s piece came out 38 s long), so nothing is re-timed between trim and concat.
  const used = [0, 1].map((input) => pieces.filter((x) => x.input === input).length);
  const taps: string[][] = used.map((count, input) => Array.from({ length: count }, (_, i) => `i${input}m${i}`));
  used.forEach((count, input) => {
    if (!count) return;
    const norm = `[${input}:v]fps=${fps},scale=${w}:${h},setsar=1`;
    g.push(count > 1 ? `${norm},split=${count}${taps[input].map((t) => `[${t}]`).join('')}` : `${norm}[${taps[input][0]}]`);
  });
  const next = [0, 0];
  const labels = pieces.map((x, i) => {
    const pts = x.stretch === 1 ? 'PTS-STARTPTS' : `(PTS-STARTPTS)*${x.stretch}`;
    g.push(`[${taps[x.input][next[x.input]++]}]trim=start=${x.start.toFixed(3)}:end=${x.end.toFixed(3)},setpts=${pts}[p${i}]`);
    return `p${i}`;
  });
  // One fps after the concat fills a slowed piece's stretched frame times with repeats.
  g.push(`${labels.map((l) => `[${l}]`).join('')}concat=n=${pieces.length}:v=1:a=0,fps=${fps}[cat]`);
  g.push(`[cat]${cameraFilter(cameras[0], w, h)}[out]`);
  const rateArgs = cameras[0]?.bitrate_k ? ['-b:v', `${cameras[0].bitrate_k}k`, '-maxrate', `${cameras[0].bitrate_k}k`, '-bufsize', `${2 * cameras[0].bitrate_k}k`] : ['-crf', '20'];
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', source, ...(other ? ['-i', other] : []),
    '-filter_complex', g.join(';'), '-map', '[out]', '-an', ...ENCODE, ...rateArgs, '-movflags', '+faststart', out,
  ];
}

export interface Materialiser {
  ffmpeg: string;
  probeDuration: (file: string) => Promise<number>;
  cacheDir: string;
  /** Folder that relative paths in the manifest are resolved against. */
  baseDir: string;
}

const stamp = (f: string) => `${f}:${statSync(f).size}:${statSync(f).mtimeMs}`;

/** Runs ffmpeg into `out` unless it is cached; a half-written file never looks cached. */
async function cached(m: Materialiser, key: unknown, what: string, args: (tmp: string) => Promise<string[]>): Promise<string> {
  const out = join(m.cacheDir, `${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 20)}.mp4`);
  if (existsSync(out)) return out;
  await mkdir(m.cacheDir, { recursive: true });
  const tmp = `${out}.part.mp4`;
  try {
    await execFileP(m.ffmpeg, await args(tmp), { maxBuffer: 8 * 1024 * 1024 });
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`ffmpeg failed making ${what}: ${(err.stderr ?? err.message).trim().split('\n').slice(-3).join(' | ')}`);
  }
  await rename(tmp, out);
  return out;
}

/**
 * The source at the edit size, made once per source: every edit of a take starts from it, so
 * a full-HD take is decoded once rather than once per edit (what keeps the real set in CI time).
 */
function proxy(source: string, m: Materialiser): Promise<string> {
  const { width: w, height: h, fps } = EDIT_DEFAULTS;
  return cached(m, ['proxy', stamp(source), EDIT_DEFAULTS], `a ${w}x${h} copy of ${source}`, async (tmp) => [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', source, '-vf', `fps=${fps},scale=${w}:${h},setsar=1,format=yuv420p`,
    '-an', ...ENCODE, '-crf', '16', '-g', String(fps), tmp,
  ]);
}

/**
 * The file behind a video reference: the path itself, or the cached edit (made when absent). The
 * key's last number is the edit graph's version (3 since the trim/fps fix, 4 since one encoder
 * thread): no edit made by an older graph is reused.
 */
export async function materialise(ref: VideoRef, m: Materialiser): Promise<string> {
  if (typeof ref === 'string') return resolve(m.baseDir, ref);
  const source = resolve(m.baseDir, ref.source);
  const replace = ref.edits.find((e): e is Extract<Edit, { op: 'replace' }> => e.op === 'replace');
  const other = replace ? resolve(m.baseDir, replace.other) : undefined;
  for (const f of [source, other]) if (f && !existsSync(f)) throw new Error(`edit source ${f} does not exist`);
  return cached(m, [stamp(source), other ? stamp(other) : null, ref.edits, EDIT_DEFAULTS, 4], `an edit of ${source}`, async (tmp) => {
    const [src, oth] = await Promise.all([proxy(source, m), other ? proxy(other, m) : Promise.resolve(undefined)]);
    return editArgs(src, await m.probeDuration(src), ref.edits, tmp, oth);
  });
}

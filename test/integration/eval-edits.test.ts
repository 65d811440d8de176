/**
 * The evaluation's ffmpeg edits, run for real on a source whose brightness encodes its own time
 * (luma = 20 x t): each edited video must be as long as its recipe says and show, at each of its
 * times, the source time the recipe puts there. A harness that pads or shifts pieces makes every
 * fault case a different fault (frozen frames read as over_time and rework).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { editArgs } from '../../shared/evaluation/edits.js';
import type { Edit } from '../../shared/evaluation/manifest.js';
import { resolveFfmpegPath } from '../../shared/media/binaries.js';
import { probeVideo } from '../../shared/media/probe.js';

const run = promisify(execFile);
const ffmpeg = resolveFfmpegPath(process.env.SOPILOT_FFMPEG_PATH);

/** A 10 s, 30 fps grey video whose luma is 20 x t (0 at 0 s, 200 at 10 s). */
async function clockVideo(dir: string, name: string, offset = 0): Promise<string> {
  const out = join(dir, name);
  await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=gray:s=160x90:r=30:d=10',
    '-vf', `geq=lum='20*(T+${offset})':cb=128:cr=128`, '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', out]);
  return out;
}

/** Source time shown at `t` s of `file` (its luma / 20). */
async function shownAt(file: string, t: number): Promise<number> {
  const { stdout } = await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-ss', t.toFixed(3), '-i', file, '-frames:v', '1', '-vf', 'scale=16:8', '-pix_fmt', 'yuv420p', '-f', 'rawvideo', '-'], { encoding: 'buffer' });
  // The Y plane as written (the first 16 x 8 bytes): no range conversion in between.
  const y = (stdout as unknown as Buffer).subarray(0, 16 * 8);
  let s = 0;
  for (const v of y) s += v;
  return s / y.length / 20;
}

test('temporal edits: length and content follow the recipe', { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sopilot-edits-'));
  try {
    const src = await clockVideo(dir, 'src.mp4');
    const other = await clockVideo(dir, 'other.mp4', 0);
    // [edit, expected duration, [output time, source time shown]...]
    const cases: Array<[Edit, number, Array<[number, number]>]> = [
      [{ op: 'cut', start_sec: 3, end_sec: 5 }, 8, [[2, 2], [3.5, 5.5], [7, 9]]],
      [{ op: 'swap', a: [2, 4], b: [6, 8] }, 10, [[1, 1], [3, 7], [5, 5], [7, 3], [9, 9]]],
      [{ op: 'repeat', start_sec: 4, end_sec: 6 }, 12, [[5, 5], [7, 5], [9, 7]]],
      [{ op: 'slow', start_sec: 4, end_sec: 6, factor: 2 }, 12, [[3, 3], [6, 5], [9, 7]]],
      [{ op: 'replace', start_sec: 4, end_sec: 6, other, other_start_sec: 1 }, 10, [[3, 3], [5, 2], [8, 8]]],
    ];
    for (const [edit, dur, probes] of cases) {
      const out = join(dir, `${edit.op}.mp4`);
      await run(ffmpeg, editArgs(src, 10, [edit], out, edit.op === 'replace' ? other : undefined));
      const d = (await probeVideo(out)).duration_sec;
      assert.ok(Math.abs(d - dur) < 0.15, `${edit.op}: ${d.toFixed(2)} s long, recipe says ${dur} s`);
      for (const [t, want] of probes) {
        const got = await shownAt(out, t);
        assert.ok(Math.abs(got - want) < 0.25, `${edit.op}: at ${t} s shows source time ${got.toFixed(2)} s, recipe says ${want} s`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an edit is the same file every time it is made (the low-rate camera edit included)', { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sopilot-edits-same-'));
  try {
    const src = join(dir, 'src.mp4');
    await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=30:d=6', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-pix_fmt', 'yuv420p', src]);
    const edits: Edit[] = [{ op: 'cut', start_sec: 2, end_sec: 3 }, { op: 'camera', width: 480, height: 270, fps: 15, bitrate_k: 150, noise: 8 }];
    const hashes = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const out = join(dir, `e${i}.mp4`);
      await run(ffmpeg, editArgs(src, 6, edits, out));
      hashes.add(createHash('sha256').update(await readFile(out)).digest('hex'));
    }
    assert.equal(hashes.size, 1, 'three makings of one edit gave different files');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

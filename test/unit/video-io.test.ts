import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeAudioOnly, makeCorruptVideo, makeTestVideo } from '../helpers/videos.js';
import { probeVideo, sniffVideoContainer, VideoProbeError, parseRate } from '../../shared/media/probe.js';
import { decodeFrames, buildDecodeFilter, VideoDecodeError } from '../../shared/media/decode.js';
import { resolveFfmpegPath, resolveFfprobePath, VideoBinaryError } from '../../shared/media/binaries.js';

let dir: string;
const f = (name: string) => join(dir, name);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sopilot-video-'));
  await Promise.all([
    makeTestVideo(f('red.mp4'), { durationSec: 2, fps: 10, width: 64, height: 48, pattern: 'color', color: 'red', withAudio: true }),
    makeTestVideo(f('ts.mp4'), { durationSec: 10, fps: 10, width: 80, height: 60, pattern: 'testsrc' }),
    makeTestVideo(f('box.mkv'), { durationSec: 3, fps: 15, width: 96, height: 48, pattern: 'moving-box', color: 'black', container: 'mkv' }),
    makeTestVideo(f('bars.avi'), { durationSec: 1, fps: 25, pattern: 'bars', container: 'avi' }),
    makeCorruptVideo(f('trunc.mp4')),
    makeCorruptVideo(f('garbage.mp4'), 'garbage'),
    makeCorruptVideo(f('mid.mp4'), 'midstream'),
    makeAudioOnly(f('audio.m4a')),
  ]);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('binaries resolve to the npm builds; a bad override is a clear error', () => {
  assert.match(resolveFfmpegPath(), /ffmpeg$/);
  assert.match(resolveFfprobePath(), /ffprobe$/);
  assert.throws(() => resolveFfmpegPath('/nonexistent/ffmpeg'), (e: unknown) => e instanceof VideoBinaryError && /\/nonexistent\/ffmpeg/.test(e.message));
});

test('probeVideo reads duration, fps, size, codec, container', async () => {
  const red = await probeVideo(f('red.mp4'));
  assert.equal(red.has_video, true);
  assert.equal(red.width, 64);
  assert.equal(red.height, 48);
  assert.equal(red.fps, 10);
  assert.equal(red.codec, 'h264');
  assert.match(red.format, /mp4/);
  assert.ok(Math.abs(red.duration_sec - 2) < 0.1, `duration ${red.duration_sec}`);
  const box = await probeVideo(f('box.mkv'));
  assert.deepEqual([box.width, box.height, box.fps, box.codec], [96, 48, 15, 'mpeg4']);
  assert.match(box.format, /matroska/);
  assert.ok(Math.abs(box.duration_sec - 3) < 0.1);
  const bars = await probeVideo(f('bars.avi'));
  assert.deepEqual([bars.fps, bars.format], [25, 'avi']);
});

test('probeVideo: corrupt, garbage, audio-only and missing files throw typed errors', async () => {
  const expectCode = async (p: string, code: string) =>
    assert.rejects(probeVideo(p), (e: unknown) => {
      assert.ok(e instanceof VideoProbeError, String(e));
      assert.equal(e.code, code, e.message);
      assert.ok(e.message.includes(p));
      return true;
    });
  await expectCode(f('trunc.mp4'), 'corrupt_video');
  await expectCode(f('garbage.mp4'), 'corrupt_video');
  await expectCode(f('audio.m4a'), 'no_video_stream');
  await expectCode(f('missing.mp4'), 'not_found');
});

test('parseRate', () => {
  assert.ok(Math.abs(parseRate('30000/1001') - 29.97) < 0.01);
  assert.equal(parseRate('0/0'), 0);
  assert.equal(parseRate('25'), 25);
  assert.equal(parseRate(undefined), 0);
});

test('sniffVideoContainer recognises real files and rejects others', async () => {
  const head = async (name: string) => (await readFile(f(name))).subarray(0, 1024);
  assert.equal(sniffVideoContainer(await head('red.mp4')), 'mp4');
  assert.equal(sniffVideoContainer(await head('box.mkv')), 'matroska');
  assert.equal(sniffVideoContainer(await head('bars.avi')), 'avi');
  assert.equal(sniffVideoContainer(await head('garbage.mp4')), false);
  assert.equal(sniffVideoContainer(Buffer.from('%PDF-1.7 hello world')), false);
  assert.equal(sniffVideoContainer(Buffer.from('GIF89a.........')), false);
  assert.equal(sniffVideoContainer(Buffer.alloc(0)), false);
  const b = (...xs: number[]) => Buffer.from(xs);
  assert.equal(sniffVideoContainer(Buffer.concat([b(0, 0, 0, 0x14), Buffer.from('ftypqt  ')])), 'mov');
  assert.equal(sniffVideoContainer(Buffer.concat([b(0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84), Buffer.from('webm')])), 'webm');
  assert.equal(sniffVideoContainer(Buffer.from('FLV\x01\x05\x00\x00\x00\x09', 'latin1')), 'flv');
  assert.equal(sniffVideoContainer(Buffer.from('OggS\x00\x02', 'latin1')), 'ogg');
  assert.equal(sniffVideoContainer(b(0, 0, 1, 0xba, 0x44)), 'mpegps');
  assert.equal(sniffVideoContainer(b(0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11)), 'asf');
  const ts = Buffer.alloc(188 * 3);
  ts[0] = ts[188] = ts[376] = 0x47;
  assert.equal(sniffVideoContainer(ts), 'mpegts');
  ts[376] = 0;
  assert.equal(sniffVideoContainer(ts), false);
});

test('decodeFrames: solid red decodes to ~(255,0,0), with the right count, times and size', async () => {
  const frames = [];
  for await (const fr of decodeFrames(f('red.mp4'), { fps: 5, width: 32, height: 24 })) frames.push(fr);
  assert.equal(frames.length, 10);
  frames.forEach((fr, i) => {
    assert.equal(fr.index, i);
    assert.equal(fr.time_sec, i / 5);
    assert.equal(fr.frame.width, 32);
    assert.equal(fr.frame.height, 24);
    assert.equal(fr.frame.data.length, 32 * 24 * 3);
  });
  const d = frames[5].frame.data;
  let r = 0, g = 0, b = 0;
  for (let p = 0; p < d.length; p += 3) { r += d[p]; g += d[p + 1]; b += d[p + 2]; }
  const n = d.length / 3;
  assert.ok(r / n > 240 && g / n < 15 && b / n < 15, `mean rgb ${r / n} ${g / n} ${b / n}`);
});

test('decodeFrames: 10 s at 4 fps gives 40 frames; pad keeps aspect with black bars', async () => {
  let count = 0;
  let first: Uint8Array | undefined;
  for await (const fr of decodeFrames(f('ts.mp4'), { fps: 4, width: 40, height: 40 })) {
    if (count === 0) first = fr.frame.data;
    count++;
  }
  assert.equal(count, 40);
  // 80x60 into 40x40 -> 40x30 picture with 5-row bars top and bottom.
  const px = (x: number, y: number) => Array.from(first!.subarray((y * 40 + x) * 3, (y * 40 + x) * 3 + 3));
  assert.deepEqual(px(20, 1), [0, 0, 0]);
  assert.deepEqual(px(20, 38), [0, 0, 0]);
  assert.ok(px(20, 20).some((v) => v > 40), 'picture inside the bars');
  assert.match(buildDecodeFilter({ fps: 4, width: 40, height: 40, resize: 'stretch' }), /^fps=4,scale=40:40,/);
});

test('decodeFrames: the moving box moves (frames differ over time) in mkv', async () => {
  const xs: number[] = [];
  for await (const fr of decodeFrames(f('box.mkv'), { fps: 2, width: 48, height: 24, resize: 'stretch' })) {
    // column of the brightest pixel on the middle row
    const y = 12;
    let best = -1, bx = 0;
    for (let x = 0; x < 48; x++) {
      const v = fr.frame.data[(y * 48 + x) * 3];
      if (v > best) { best = v; bx = x; }
    }
    xs.push(bx);
  }
  assert.equal(xs.length, 6);
  for (let i = 1; i < xs.length; i++) assert.ok(xs[i] > xs[i - 1], `box x positions ${xs}`);
});

test('decodeFrames: damaged data mid-stream throws with ffmpeg stderr after some frames', async () => {
  let n = 0;
  await assert.rejects(
    (async () => {
      for await (const _ of decodeFrames(f('mid.mp4'), { fps: 10, width: 16, height: 16 })) n++;
    })(),
    (e: unknown) => {
      assert.ok(e instanceof VideoDecodeError);
      assert.equal(e.code, 'decode_failed');
      assert.ok(e.stderrTail.length > 0);
      assert.match(e.message, /h264|NAL|Conversion failed/);
      return true;
    },
  );
  assert.ok(n > 5 && n < 60, `frames before failure: ${n}`);
  // Lenient mode skips the damage and delivers the whole length.
  let m = 0;
  for await (const _ of decodeFrames(f('mid.mp4'), { fps: 10, width: 16, height: 16, strict: false })) m++;
  assert.ok(m >= 55, `lenient frames ${m}`);
  await assert.rejects(
    (async () => {
      for await (const _ of decodeFrames(f('trunc.mp4'), { fps: 10, width: 16, height: 16 })) n++;
    })(),
    /Invalid data|moov/,
  );
});

test('decodeFrames: early break and abort stop ffmpeg', async () => {
  let n = 0;
  for await (const _ of decodeFrames(f('ts.mp4'), { fps: 10, width: 16, height: 16 })) if (++n === 3) break;
  assert.equal(n, 3);
  const ac = new AbortController();
  let k = 0;
  await assert.rejects(
    (async () => {
      for await (const _ of decodeFrames(f('ts.mp4'), { fps: 10, width: 16, height: 16, signal: ac.signal })) if (++k === 2) ac.abort();
    })(),
    (e: unknown) => e instanceof VideoDecodeError && e.code === 'aborted',
  );
  assert.ok(k < 100);
  await assert.rejects(async () => {
    for await (const _ of decodeFrames(f('ts.mp4'), { fps: 0, width: 16, height: 16 })) void _;
  }, RangeError);
});

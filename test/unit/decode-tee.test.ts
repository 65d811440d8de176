// One decode, two outputs (decodeFramesTee): each output's bytes equal those of its own separate
// decode, and the scene still taken from the side output equals the one from a separate decode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCorruptVideo, makeTestVideo } from '../helpers/videos.js';
import { decodeFrames, decodeFramesTee, VideoDecodeError, type DecodeOptions, type RgbFrame } from '../../shared/media/decode.js';
import { encodeStill, sceneStill, stillFallbackDecode } from '../../shared/perception/scene-still.js';
import { resolveFfmpegPath } from '../../shared/media/binaries.js';
import { probeVideo } from '../../shared/media/probe.js';

let dir: string;
const f = (name: string) => join(dir, name);
const ffmpegPath = resolveFfmpegPath(undefined);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sopilot-tee-'));
  // Larger than the still (640 px wide), so both outputs are scaled (the scaler flags matter);
  // one key frame (x264's default GOP), so the still falls back to the sampled decode.
  await Promise.all([
    makeTestVideo(f('ts.mp4'), { durationSec: 3, fps: 10, width: 800, height: 600, pattern: 'testsrc' }),
    makeTestVideo(f('box.mp4'), { durationSec: 4, fps: 10, width: 720, height: 480, pattern: 'moving-box', color: 'gray' }),
    makeCorruptVideo(f('mid.mp4'), 'midstream'),
  ]);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function separate(file: string, o: DecodeOptions): Promise<RgbFrame[]> {
  const out: RgbFrame[] = [];
  for await (const fr of decodeFrames(file, o)) out.push(fr.frame);
  return out;
}

for (const name of ['ts.mp4', 'box.mp4']) {
  test(`decodeFramesTee (${name}): main and side outputs are byte-identical to separate decodes; so is the scene still`, async () => {
    const file = f(name);
    const info = await probeVideo(file);
    const main = { fps: 4, width: 224, height: 224, resize: 'pad' as const, ffmpegPath };
    const side = stillFallbackDecode({ durationSec: info.duration_sec, srcW: info.width, srcH: info.height });
    const tee = decodeFramesTee(file, main, side);
    const teeMain: RgbFrame[] = [];
    for await (const fr of tee.frames) {
      assert.equal(fr.index, teeMain.length);
      assert.equal(fr.time_sec, fr.index / main.fps);
      teeMain.push(fr.frame);
    }
    const teeSide = await tee.side;
    const oldMain = await separate(file, main);
    const oldSide = await separate(file, { ...side, ffmpegPath, strict: false });
    assert.ok(oldMain.length > 4 && oldSide.length > 4);
    assert.equal(teeMain.length, oldMain.length);
    assert.equal(teeSide.length, oldSide.length);
    for (let i = 0; i < oldMain.length; i++) assert.ok(Buffer.from(teeMain[i].data).equals(Buffer.from(oldMain[i].data)), `main frame ${i}`);
    for (let i = 0; i < oldSide.length; i++) {
      assert.equal(teeSide[i].width, side.width);
      assert.ok(Buffer.from(teeSide[i].data).equals(Buffer.from(oldSide[i].data)), `side frame ${i}`);
    }

    // The still: the old path (its own sampled decode) and the new one (the tee's side frames).
    const o = { ffmpegPath, durationSec: info.duration_sec, srcW: info.width, srcH: info.height };
    const oldStill = encodeStill(await sceneStill(file, o));
    let asked = 0;
    const newStill = encodeStill(await sceneStill(file, { ...o, fallbackFrames: async () => (asked++, teeSide) }));
    assert.equal(asked, 1, 'few key frames: the fallback frames are used');
    assert.ok(newStill.equals(oldStill));
  });
}

test('decodeFramesTee: a damaged video fails both outputs; leaving early rejects the side output and stops ffmpeg', async () => {
  const main = { fps: 4, width: 32, height: 32, ffmpegPath };
  const side = { fps: 2, width: 16, height: 16 };
  const bad = decodeFramesTee(f('mid.mp4'), main, side);
  await assert.rejects(async () => {
    for await (const _ of bad.frames) void _;
  }, (e: unknown) => e instanceof VideoDecodeError && e.code === 'decode_failed');
  await assert.rejects(bad.side, VideoDecodeError);

  const early = decodeFramesTee(f('ts.mp4'), main, side);
  for await (const _ of early.frames) break;
  await assert.rejects(early.side, (e: unknown) => e instanceof VideoDecodeError && e.code === 'aborted');

  const dropped = decodeFramesTee(f('ts.mp4'), main, side);
  dropped.discardSide();
  let n = 0;
  for await (const _ of dropped.frames) n++;
  assert.ok(n > 0);
  assert.deepEqual(await dropped.side, []);
});

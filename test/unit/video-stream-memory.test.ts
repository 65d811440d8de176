// A 10-minute video decoded frame by frame keeps memory bounded: frames are not accumulated
// and ffmpeg is held back (pipe backpressure) while the consumer is slow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTestVideo } from '../helpers/videos.js';
import { decodeFrames } from '../../shared/media/decode.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sopilot-longvideo-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("streaming decode of a 10-minute video keeps RSS growth bounded", async (t) => {
  const path = join(dir, 'long.mp4');
  const durationSec = 600;
  const fps = 5;
  await makeTestVideo(path, { durationSec, fps, width: 64, height: 48, pattern: 'testsrc' });
  // 3000 frames of 224x224 rgb24 = 450 MB of decoded output in total.
  const W = 224;
  const H = 224;
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  let count = 0;
  let checksum = 0;
  for await (const fr of decodeFrames(path, { fps, width: W, height: H })) {
    checksum += fr.frame.data[(112 * W + 112) * 3];
    count++;
    if (count % 50 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    // A slow consumer for a while: ffmpeg must wait, not fill memory.
    if (count > 100 && count <= 300) await sleep(5);
  }
  assert.equal(count, durationSec * fps);
  assert.ok(checksum > 0);
  const growthMb = (peak - base) / 1e6;
  t.diagnostic(`decoded ${count} frames of ${W}x${H}; peak RSS growth ${growthMb.toFixed(1)} MB`);
  assert.ok(growthMb < 150, `RSS grew by ${growthMb.toFixed(1)} MB`);
});

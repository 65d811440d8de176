import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { decodeAnchors, FaceDetector, weightedNms, type FaceBox } from '../../shared/vision/face-detector.js';
import type { Frame } from '../../shared/vision/frame.js';
import { applyPrivacyMask } from '../../shared/vision/privacy-mask.js';

const ffmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;

/** Decodes a fixture JPEG (640 px wide) to RGB24. */
function loadJpeg(name: string, width = 640): Frame {
  const buf = execFileSync(ffmpeg, ['-loglevel', 'error', '-i', new URL(`../fixtures/faces/${name}`, import.meta.url).pathname, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  return { width, height: buf.length / 3 / width, data: new Uint8Array(buf) };
}

function crop(f: Frame, x0: number, x1: number): Frame {
  const w = x1 - x0;
  const data = new Uint8Array(w * f.height * 3);
  for (let y = 0; y < f.height; y++) data.set(f.data.subarray((y * f.width + x0) * 3, (y * f.width + x1) * 3), y * w * 3);
  return { width: w, height: f.height, data };
}

/** Every expected face centre (pixels, annotated by hand) lies in exactly one box; no extra boxes. */
function assertFaces(faces: FaceBox[], f: Frame, centres: Array<[number, number]>) {
  assert.equal(faces.length, centres.length, `found ${faces.length} faces: ${JSON.stringify(faces.map((b) => [b.x0, b.y0, b.x1, b.y1].map((v) => +v.toFixed(2))))}`);
  for (const [cx, cy] of centres) {
    const hits = faces.filter((b) => b.x0 * f.width <= cx && cx <= b.x1 * f.width && b.y0 * f.height <= cy && cy <= b.y1 * f.height);
    assert.equal(hits.length, 1, `face at (${cx},${cy}) covered by ${hits.length} boxes`);
  }
  for (const b of faces) {
    assert.ok(b.score >= 0.5 && b.score <= 1);
    // face-sized: a few percent of the frame, not a huge or degenerate box
    const w = (b.x1 - b.x0) * f.width, h = (b.y1 - b.y0) * f.height;
    assert.ok(w > 20 && w < 160 && h > 20 && h < 160, `box size ${w}x${h}`);
    assert.equal(b.keypoints.length, 6);
  }
}

let det: FaceDetector;
test.before(async () => {
  det = await FaceDetector.create();
});
test.after(async () => {
  await det.dispose();
});

test('BlazeFace finds the three faces in sample1 (landscape, letterboxed)', async () => {
  const f = loadJpeg('sample1.jpg');
  assert.equal(f.height, 426);
  assertFaces(await det.detect(f), f, [[172, 165], [313, 182], [522, 112]]);
});

test('BlazeFace finds the four faces in sample6', async () => {
  const f = loadJpeg('sample6.jpg');
  assertFaces(await det.detect(f), f, [[115, 215], [258, 165], [421, 155], [528, 145]]);
});

test('portrait crop: letterbox maps boxes back to the crop', async () => {
  const f = crop(loadJpeg('sample6.jpg'), 0, 320);
  assertFaces(await det.detect(f), f, [[115, 215], [258, 165]]);
});

test('blurring the detected faces makes them undetectable', async () => {
  const f = loadJpeg('sample6.jpg');
  const faces = await det.detect(f);
  assert.equal(faces.length, 4);
  applyPrivacyMask(f, { faceBoxes: faces });
  // (a blurred head-shaped blob can still score ~0.45; at the default 0.5 nothing is left)
  assert.deepEqual(await det.detect(f), []);
});

test('no faces in synthetic images (colour pattern, noise, flat)', async () => {
  const w = 480, h = 360;
  const pattern = new Uint8Array(w * h * 3), noise = new Uint8Array(w * h * 3), flat = new Uint8Array(w * h * 3).fill(128);
  let s = 7;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      pattern.set([(x * 3) & 255, (y * 5) & 255, ((x ^ y) * 2) & 255], i);
      for (let c = 0; c < 3; c++) noise[i + c] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
    }
  for (const data of [pattern, noise, flat]) assert.deepEqual(await det.detect({ width: w, height: h, data }), []);
});

test('decodeAnchors: anchor centre + offsets / 256, sigmoid score, threshold; weightedNms merges overlaps', () => {
  const scores = new Float32Array(16 * 16 * 2).fill(-10);
  const boxes = new Float32Array(16 * 16 * 2 * 16);
  // cell row 5, col 3, anchor 1 -> index (5*16+3)*2+1
  const i = (5 * 16 + 3) * 2 + 1;
  scores[i] = 2; // sigmoid ≈ 0.881
  boxes.set([12.8, -25.6, 25.6, 51.2], i * 16);
  const dets = decodeAnchors(scores, boxes, 16, 2, 0.5);
  assert.equal(dets.length, 1);
  const d = dets[0];
  assert.ok(Math.abs(d.cx - (3.5 / 16 + 0.05)) < 1e-6 && Math.abs(d.cy - (5.5 / 16 - 0.1)) < 1e-6);
  assert.ok(Math.abs(d.w - 0.1) < 1e-6 && Math.abs(d.h - 0.2) < 1e-6);
  assert.ok(Math.abs(d.score - 1 / (1 + Math.exp(-2))) < 1e-6);
  assert.equal(decodeAnchors(scores, boxes, 16, 2, 0.9).length, 0);
  assert.throws(() => decodeAnchors(scores, boxes, 8, 6, 0.5), /anchor grid/);
  const kp = new Array(12).fill(0);
  const merged = weightedNms(
    [
      { cx: 0.5, cy: 0.5, w: 0.2, h: 0.2, kp, score: 0.9 },
      { cx: 0.52, cy: 0.5, w: 0.2, h: 0.2, kp, score: 0.6 },
      { cx: 0.1, cy: 0.1, w: 0.1, h: 0.1, kp, score: 0.7 },
    ],
    0.3,
  );
  assert.equal(merged.length, 2);
  assert.equal(merged[0].score, 0.9);
  assert.ok(Math.abs(merged[0].cx - (0.5 * 0.9 + 0.52 * 0.6) / 1.5) < 1e-9);
  assert.ok(Math.abs(merged[1].cx - 0.1) < 1e-6);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import onnxPkg from 'onnx-proto';
import { loadNsfwjsMobilenet } from '../../models/convert-mobilenet.js';
import { OnnxClipEmbedder, parseInputSpec } from '../../shared/vision/onnx-embedder.js';
import { createEmbedder } from '../../shared/vision/create-embedder.js';
import { clipWindows, embedClipsByIndex } from '../../shared/vision/embedder.js';
import { cosine } from '../helpers/vectors.js';
import type { Frame } from '../../shared/vision/frame.js';

const { onnx } = onnxPkg as unknown as { onnx: typeof import('onnx-proto').onnx };

/** Deterministic textured test image: gradients, a disc and pseudo-random noise. */
function pattern(w: number, h: number, seed: number): Frame {
  const data = new Uint8Array(w * h * 3);
  let s = seed * 2654435761;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const noise = (s >>> 24) / 8;
      const disc = (x - w * (0.3 + 0.1 * seed)) ** 2 + (y - h / 2) ** 2 < (h / 4) ** 2 ? 120 : 0;
      const i = (y * w + x) * 3;
      data[i] = Math.min(255, ((x * 255) / w) * (seed % 2 ? 1 : 0.4) + noise + disc);
      data[i + 1] = Math.min(255, ((y * 255) / h) * 0.8 + noise);
      data[i + 2] = Math.min(255, (((x + y) * 97 * seed) % 256) * 0.5 + disc / 2);
    }
  return { width: w, height: h, data };
}

let embedder: OnnxClipEmbedder;
test.before(async () => {
  embedder = await OnnxClipEmbedder.create({ useGpu: 'false' });
});
test.after(async () => {
  await embedder.dispose();
});

test('shipped ONNX MobileNetV2 matches the TF.js model (nsfwjs preprocessing) on real-size frames', async () => {
  const { model, weightData } = loadNsfwjsMobilenet();
  await tf.setBackend('cpu');
  const buf = weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer;
  const full = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: model.modelTopology as unknown as object, weightSpecs: model.weightsManifest[0].weights as tf.io.WeightsManifestEntry[], weightData: buf }));
  const feat = tf.model({ inputs: full.inputs, outputs: full.getLayer('flatten_1').output as tf.SymbolicTensor });
  const frames = [pattern(160, 120, 1), pattern(300, 224, 2)];
  const onnxOut = await embedder.embedFrames(frames);
  assert.equal(embedder.frameDim, 1280);
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k];
    // nsfwjs: img.toFloat().div(255), resizeBilinear(alignCorners=true) to 224, NHWC batch of 1.
    const ref = tf.tidy(() => {
      const img = tf.tensor3d(f.data, [f.height, f.width, 3], 'int32').toFloat().div(255);
      const x = tf.image.resizeBilinear(img as tf.Tensor3D, [224, 224], true).reshape([1, 224, 224, 3]);
      return (feat.predict(x) as tf.Tensor).dataSync() as Float32Array;
    });
    const got = onnxOut[k];
    assert.equal(ref.length, 1280);
    let maxAbs = 0, maxDiff = 0;
    for (let i = 0; i < ref.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(ref[i]));
      maxDiff = Math.max(maxDiff, Math.abs(ref[i] - got[i]));
    }
    assert.ok(maxAbs > 0.1, 'reference features are not degenerate');
    assert.ok(cosine(ref, got) > 0.9999, `cosine ${cosine(ref, got)}`);
    assert.ok(maxDiff < 1e-3 * Math.max(1, maxAbs), `max abs diff ${maxDiff}`);
  }
  full.dispose(); // also frees the layers `feat` shares
});

test('clip vectors: L2-normalised, deterministic, order-sensitive, content-sensitive', async () => {
  const a = Array.from({ length: 8 }, (_, i) => pattern(224, 224, 1 + i));
  const b = Array.from({ length: 8 }, (_, i) => pattern(200, 150, 20 + 3 * i));
  const copyA = a.map((f) => ({ ...f, data: f.data.slice() }));
  const [va, va2, vrev, vb] = await embedder.embedClips([a, copyA, [...a].reverse(), b]);
  assert.equal(va.length, embedder.dim);
  assert.equal(embedder.dim, 2560);
  let n = 0;
  for (const x of va) n += x * x;
  assert.ok(Math.abs(n - 1) < 1e-5);
  assert.deepEqual(va, va2);
  assert.ok(cosine(va, vrev) < 0.999, `reversed clip too similar: ${cosine(va, vrev)}`);
  const [sa, sb, sa2] = await embedder.embedClips([Array(8).fill(a[0]), Array(8).fill(b[0]), Array(8).fill(pattern(224, 224, 1))]);
  assert.deepEqual(sa, sa2);
  assert.ok(cosine(sa, sb) < 0.9, `different static content too similar: ${cosine(sa, sb)}`);
});

test('embedClipsByIndex (frames embedded once) equals embedClips on gathered frames', async () => {
  const frames = Array.from({ length: 12 }, (_, i) => pattern(112, 112, 3 + i));
  const windows = clipWindows(frames.length, 8, 4);
  assert.deepEqual(windows, [[0, 1, 2, 3, 4, 5, 6, 7], [4, 5, 6, 7, 8, 9, 10, 11]]);
  const byIndex = await embedClipsByIndex(embedder, frames, windows);
  const direct = await embedder.embedClips(windows.map((w) => w.map((i) => frames[i])));
  for (let k = 0; k < windows.length; k++) assert.ok(cosine(byIndex[k], direct[k]) > 0.99999);
});

test('createEmbedder: auto picks hybrid-work (image model + heuristic beside the work grid), hybrid and onnx alone on request, falls back to the heuristic with a reason, onnx-only rethrows', async () => {
  const auto = await createEmbedder({ backend: 'auto', useGpu: 'false' });
  assert.match(auto.reason, /^hybrid-work: hybrid \(onnx .* batch 8\) on cpu.* \+ heuristic\) on the frame, beside motion directions and the work grid \(.*\+motion@v1-d8-r3x2\+w0\.2\+work@v1-g28x16\+w0\.5\)/);
  assert.equal(auto.embedder.name, 'hybrid-work');
  assert.equal(auto.embedder.dim, 2560 + 256 + 96 + 1792);
  // The backbone on the work region instead: the same dimension, another vector space.
  const region = await createEmbedder({ backend: 'hybrid-work', useGpu: 'false', backboneView: 'work-region' });
  assert.match(region.reason, /^hybrid-work: onnx .* batch 8\) on cpu.* on the work region \+ heuristic on the frame, beside motion directions and the work grid/);
  assert.equal(region.embedder.dim, auto.embedder.dim);
  assert.match(region.embedder.version, /@work-region\+heuristic@/);
  assert.notEqual(region.embedder.version, auto.embedder.version);
  const hybrid = await createEmbedder({ backend: 'hybrid', useGpu: 'false' });
  assert.equal(hybrid.embedder.name, 'hybrid');
  assert.equal(hybrid.embedder.dim, 2560 + 256);
  const only = await createEmbedder({ backend: 'onnx', useGpu: 'false' });
  assert.match(only.reason, /^onnx .* batch 8\) on cpu/);
  assert.equal(only.embedder.dim, 2560);
  await (only.embedder as OnnxClipEmbedder).dispose();
  const fb = await createEmbedder({ backend: 'auto', modelPath: '/nonexistent/model.onnx' });
  assert.equal(fb.embedder.name, 'hybrid-work');
  assert.match(fb.reason, /^hybrid-work on the heuristic \(onnx model failed to load: .*nonexistent/);
  await assert.rejects(createEmbedder({ backend: 'onnx', modelPath: '/nonexistent/model.onnx' }), /nonexistent/);
  await assert.rejects(createEmbedder({ backend: 'onnx', useGpu: 'true' }), /CUDA|cuda/);
  assert.equal((await createEmbedder({ backend: 'heuristic' })).reason, 'heuristic (requested)');
});

test('parseInputSpec reads image and video layouts', () => {
  const meta = (shape: Array<number | string>) => [{ name: 'x', isTensor: true as const, type: 'float32' as const, shape }];
  assert.deepEqual(parseInputSpec(meta(['N', 224, 224, 3]), 224), { name: 'x', layout: 'NHWC', h: 224, w: 224, t: null, fixedBatch: null });
  assert.deepEqual(parseInputSpec(meta([1, 3, 256, 192]), 224), { name: 'x', layout: 'NCHW', h: 256, w: 192, t: null, fixedBatch: 1 });
  assert.deepEqual(parseInputSpec(meta(['B', 16, 3, 'H', 'W']), 256), { name: 'x', layout: 'NTCHW', h: 256, w: 256, t: 16, fixedBatch: null });
  assert.equal(parseInputSpec(meta(['B', 3, 'T', 224, 224]), 224).layout, 'NCTHW');
  assert.equal(parseInputSpec(meta(['B', 8, 112, 112, 3]), 224).layout, 'NTHWC');
  assert.throws(() => parseInputSpec(meta(['N', 224, 224]), 224), /rank 3/);
  assert.throws(() => parseInputSpec(meta(['N', 4, 224, 224]), 224), /channel axis/);
});

/** A tiny "video model": input [N,T,3,H,W] -> per clip [mean R, mean G, mean B, late-minus-early R]. */
function tinyVideoModel(t: number): Uint8Array {
  const vi = (name: string, shape: Array<number | string>) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } });
  const ints = (name: string, v: number[]) => onnx.AttributeProto.create({ name, ints: v, type: onnx.AttributeProto.AttributeType.INTS });
  const graph = onnx.GraphProto.create({
    name: 'tiny_video',
    node: [
      onnx.NodeProto.create({ opType: 'ReduceMean', input: ['x'], output: ['m'], attribute: [ints('axes', [3, 4]), onnx.AttributeProto.create({ name: 'keepdims', i: 0, type: onnx.AttributeProto.AttributeType.INT })] }), // [N,T,3]
      onnx.NodeProto.create({ opType: 'Flatten', input: ['m'], output: ['y'], attribute: [onnx.AttributeProto.create({ name: 'axis', i: 1, type: onnx.AttributeProto.AttributeType.INT })] }), // [N,T*3]
    ],
    input: [vi('x', ['N', t, 3, 16, 16])],
    output: [vi('y', ['N', t * 3])],
  });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], graph })).finish();
}

test('video model [N,T,C,H,W]: one forward per clip, clips resampled to T, frame order kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sopilot-vision-'));
  const path = join(dir, 'tiny_video.onnx');
  writeFileSync(path, tinyVideoModel(4));
  const e = await OnnxClipEmbedder.create({ modelPath: path, useGpu: 'false' });
  try {
    assert.equal(e.kind, 'video');
    assert.equal(e.input.layout, 'NTCHW');
    assert.equal(e.dim, 12);
    await assert.rejects(e.embedFrames([]), /video model/);
    const solid = (r: number, g: number, b: number): Frame => {
      const data = new Uint8Array(32 * 24 * 3);
      for (let i = 0; i < data.length; i += 3) [data[i], data[i + 1], data[i + 2]] = [r, g, b];
      return { width: 32, height: 24, data };
    };
    // 8 frames -> T=4 picks frames 0, 2, 5, 7 (evenly spaced)
    const clip = Array.from({ length: 8 }, (_, i) => solid(i * 30, 255, 0));
    const [v, vr] = await e.embedClips([clip, [...clip].reverse()]);
    const raw = [0, 2, 5, 7].flatMap((i) => [(i * 30) / 255, 1, 0]);
    const n = Math.hypot(...raw);
    raw.forEach((x, i) => assert.ok(Math.abs(v[i] - x / n) < 1e-4, `component ${i}: ${v[i]} vs ${x / n}`));
    assert.ok(cosine(v, vr) < 0.999);
  } finally {
    await e.dispose();
  }
});

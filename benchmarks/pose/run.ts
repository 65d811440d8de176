/**
 * Pose benchmark: ms per frame of MoveNet Lightning on onnxruntime-node (CPU) against the
 * original TF.js model (@tensorflow/tfjs, pure-JS CPU backend) in the same run, on one real
 * frame from each ../shared/footage/hrt1/human_*.mp4 clip (640x480). Both get the same
 * prepared 192x192 input; ONNX is also timed end to end (letterbox + model + decode).
 * Prints a table and writes benchmarks/results/pose.json.
 *
 * Hand rows (ONNX CPU): the hand detector and the landmark model, each step timed apart and
 * detectHands end to end.
 *
 * Run: npm run bench:pose  (needs @vladmandic/human 3.3.6 for the TF.js side; see
 * models/movenet_lightning/PROVENANCE.md — without it only the ONNX rows are measured)
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectFrames } from '../../shared/media/decode.js';
import { decodeMovenet } from '../../shared/perception/movenet-decode.js';
import { movenetInput, PoseDetector } from '../../shared/perception/pose.js';
import { humanPackageDir } from '../../models/tfjs-onnx/human-package.js';
import { loadMovenetReference } from '../../models/movenet-reference.js';
import { HandDetector } from '../../shared/perception/hands.js';
import { decodeDetections, detectorInput, landmarkInput } from '../../shared/perception/hand-geometry.js';

interface Row {
  backend: string;
  what: string;
  frames: number;
  runs: number;
  msPerFrame: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const footage = resolve(here, '../../../shared/footage/hrt1');
if (!existsSync(footage)) throw new Error(`bench:pose needs real frames: ${footage} is absent`);
const videos = readdirSync(footage).filter((f) => f.startsWith('human_')).sort();
const frames = [];
for (const v of videos) frames.push(...(await collectFrames(join(footage, v), { fps: 1, width: 640, height: 480 }, 1)).map((f) => f.frame));
const inputs = frames.map((f) => movenetInput(f.data, f.width, f.height).tensor);

const time = async (runs: number, fn: (i: number) => unknown) => {
  const t = performance.now();
  for (let r = 0; r < runs; r++) for (let i = 0; i < inputs.length; i++) await fn(i);
  return (performance.now() - t) / (runs * inputs.length);
};

const rows: Row[] = [];
const notes: string[] = [];
const det = await PoseDetector.create({ useGpu: 'false' });
await time(1, (i) => det.heads(inputs[i])); // warm-up
const onnxRuns = 8;
rows.push({ backend: 'onnxruntime-node', what: 'model + decode (prepared input)', frames: inputs.length, runs: onnxRuns, msPerFrame: await time(onnxRuns, async (i) => decodeMovenet(await det.heads(inputs[i]))) });
rows.push({ backend: 'onnxruntime-node', what: 'detectPose (letterbox + model + decode)', frames: inputs.length, runs: onnxRuns, msPerFrame: await time(onnxRuns, (i) => det.detectPose(frames[i].data, frames[i].width, frames[i].height)) });

// Hands (models/handtrack, models/handlandmark_lite): ONNX CPU only; the TF.js pipeline takes
// ~12 s a frame here (models/handtrack/check-hands.ts times it against this one).
const hands = await HandDetector.create({ useGpu: 'false' });
const handInputs = frames.map((f) => detectorInput(f.data, f.width, f.height));
const crops = frames.map((f) => landmarkInput(f.data, f.width, f.height, { x: 0.35, y: 0.3, width: 0.3, height: 0.4 }));
await time(1, (i) => hands.detectorHeads(handInputs[i]));
await time(1, (i) => hands.landmarkHeads(crops[i]));
const handRuns = 4;
rows.push({ backend: 'onnxruntime-node', what: 'hand detector: model + NMS (prepared 320 input)', frames: inputs.length, runs: handRuns, msPerFrame: await time(handRuns, async (i) => { const h = await hands.detectorHeads(handInputs[i]); return decodeDetections(h.scores, h.boxes); }) });
rows.push({ backend: 'onnxruntime-node', what: 'hand detector: preprocessing (resize to 320)', frames: inputs.length, runs: handRuns, msPerFrame: await time(handRuns, (i) => detectorInput(frames[i].data, frames[i].width, frames[i].height)) });
rows.push({ backend: 'onnxruntime-node', what: 'hand landmarks: model per hand (prepared 224 crop)', frames: inputs.length, runs: handRuns, msPerFrame: await time(handRuns, (i) => hands.landmarkHeads(crops[i])) });
rows.push({ backend: 'onnxruntime-node', what: 'hand landmarks: crop per hand (cropAndResize)', frames: inputs.length, runs: handRuns, msPerFrame: await time(handRuns, (i) => landmarkInput(frames[i].data, frames[i].width, frames[i].height, { x: 0.35, y: 0.3, width: 0.3, height: 0.4 })) });
let handsFound = 0;
rows.push({ backend: 'onnxruntime-node', what: 'detectHands end to end (these frames)', frames: inputs.length, runs: handRuns, msPerFrame: await time(handRuns, async (i) => (handsFound += (await hands.detectHands(frames[i].data, frames[i].width, frames[i].height)).length)) });
notes.push(`detectHands found ${handsFound / handRuns} hand boxes over the ${inputs.length} frames (end-to-end time includes one landmark run per box)`);
await hands.dispose();

let maxDiff: number | null = null;
try {
  const ref = await loadMovenetReference(humanPackageDir());
  ref.keypoints(inputs[0]); // warm-up (kernel set-up)
  rows.push({ backend: '@tensorflow/tfjs (cpu, pure JS)', what: 'model + in-graph decode (prepared input)', frames: inputs.length, runs: 1, msPerFrame: await time(1, (i) => ref.keypoints(inputs[i])) });
  maxDiff = 0;
  for (const x of inputs) {
    const a = ref.keypoints(x), b = decodeMovenet(await det.heads(x));
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
  }
  ref.dispose();
} catch (e) {
  notes.push(`tfjs side skipped: ${(e as Error).message.split('\n')[0]}`);
}
await det.dispose();

const onnx = rows[0].msPerFrame;
const tfjs = rows.find((r) => r.backend.startsWith('@tensorflow'))?.msPerFrame;
console.log(`MoveNet Lightning, ${inputs.length} frames (one per human_*.mp4, 640x480), ${cpus()[0]?.model.trim()} x${availableParallelism()}`);
console.log(`${'backend'.padEnd(34)} ${'what'.padEnd(50)} ${'runs'.padStart(4)} ${'ms/frame'.padStart(9)}`);
for (const r of rows) console.log(`${r.backend.padEnd(34)} ${r.what.padEnd(50)} ${String(r.runs).padStart(4)} ${r.msPerFrame.toFixed(1).padStart(9)}`);
if (tfjs) console.log(`ONNX is ${(tfjs / onnx).toFixed(0)}x faster; keypoints [y,x,score] max |Δ| ${maxDiff?.toExponential(2)}`);
for (const n of notes) console.log(n);

const out = resolve(here, '../results/pose.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify({ when: new Date().toISOString(), cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: availableParallelism(), model: 'models/movenet_lightning/movenet_lightning.onnx', handModels: ['models/handtrack/handtrack.onnx', 'models/handlandmark_lite/handlandmark_lite.onnx'], frames: inputs.length, rows, speedup: tfjs ? tfjs / onnx : null, keypointsMaxAbsDiff: maxDiff, notes }, null, 2) + '\n',
);
console.log(`wrote ${out}`);

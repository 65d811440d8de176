/**
 * Embedding backend benchmark: clips/s for the heuristic and ONNX embedders at several batch
 * sizes, on synthetic 8-frame clips at the model resolution (224x224), plus the ingest case
 * (10 s at 4 fps = 40 frames -> 9 overlapping clips, each frame embedded once) and BlazeFace
 * per-frame time. Prints a table and writes benchmarks/results/embed-backends.json.
 *
 * Alone: node --import tsx benchmarks/embed/backends.ts
 * From the bench runner: import { runEmbedBackendsBench } and call it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HeuristicClipEmbedder } from '../../shared/vision/heuristic-embedder.js';
import { OnnxClipEmbedder } from '../../shared/vision/onnx-embedder.js';
import { FaceDetector } from '../../shared/vision/face-detector.js';
import { clipWindows, embedClipsByIndex, type ClipEmbedder } from '../../shared/vision/embedder.js';
import type { Frame } from '../../shared/vision/frame.js';

export interface EmbedBackendRow {
  backend: string;
  provider: string;
  batchSize: number | null;
  scenario: 'independent-clips' | 'ingest-10s';
  clips: number;
  frames: number;
  seconds: number;
  clipsPerSec: number;
  msPerFrame: number;
}

export interface EmbedBackendsResult {
  when: string;
  cpu: string;
  cores: number;
  clipLen: number;
  resolution: string;
  rows: EmbedBackendRow[];
  faceDetectMsPerFrame: number | null;
  notes: string[];
}

/** Moving-gradient synthetic frames (content varies per frame so nothing is trivially cached). */
function syntheticFrames(n: number, w: number, h: number): Frame[] {
  return Array.from({ length: n }, (_, t) => {
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * 3;
        data[i] = (x + 3 * t) & 255;
        data[i + 1] = (y * 2 + t) & 255;
        data[i + 2] = ((x ^ y) + 5 * t) & 255;
      }
    return { width: w, height: h, data };
  });
}

async function timeIt(reps: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) await fn();
  return (performance.now() - t0) / 1000 / reps;
}

async function measure(e: ClipEmbedder, label: { backend: string; provider: string; batchSize: number | null }, frames: Frame[], clipLen: number, reps: number): Promise<EmbedBackendRow[]> {
  const rows: EmbedBackendRow[] = [];
  // independent clips: no frame shared between clips
  const nClips = Math.floor(frames.length / clipLen);
  const clips = Array.from({ length: nClips }, (_, c) => frames.slice(c * clipLen, (c + 1) * clipLen));
  let s = await timeIt(reps, () => e.embedClips(clips));
  rows.push({ ...label, scenario: 'independent-clips', clips: nClips, frames: nClips * clipLen, seconds: s, clipsPerSec: nClips / s, msPerFrame: (s * 1000) / (nClips * clipLen) });
  // ingest: 40 frames, clips of 8 with stride 4, each frame embedded once
  const ingest = frames.slice(0, 40);
  const windows = clipWindows(ingest.length, clipLen, clipLen / 2);
  s = await timeIt(reps, () => embedClipsByIndex(e, ingest, windows));
  rows.push({ ...label, scenario: 'ingest-10s', clips: windows.length, frames: ingest.length, seconds: s, clipsPerSec: windows.length / s, msPerFrame: (s * 1000) / ingest.length });
  return rows;
}

export async function runEmbedBackendsBench(opts: { batchSizes?: number[]; reps?: number; outFile?: string; log?: (line: string) => void } = {}): Promise<EmbedBackendsResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const batchSizes = opts.batchSizes ?? [1, 8, 32];
  const reps = opts.reps ?? 2;
  const clipLen = 8;
  const frames = syntheticFrames(64, 224, 224);
  const rows: EmbedBackendRow[] = [];
  const notes: string[] = [];

  rows.push(...(await measure(new HeuristicClipEmbedder(), { backend: 'heuristic', provider: 'cpu', batchSize: null }, frames, clipLen, reps)));
  for (const b of batchSizes) {
    let e: OnnxClipEmbedder;
    try {
      e = await OnnxClipEmbedder.create({ batchSize: b });
    } catch (err) {
      notes.push(`onnx backend unavailable: ${(err as Error).message}`);
      break;
    }
    rows.push(...(await measure(e, { backend: `onnx ${e.name}`, provider: e.provider, batchSize: e.batchSize }, frames, clipLen, reps)));
    await e.dispose();
  }

  let faceDetectMsPerFrame: number | null = null;
  try {
    const fd = await FaceDetector.create();
    const f640 = syntheticFrames(1, 640, 360)[0];
    faceDetectMsPerFrame = (await timeIt(10, () => fd.detect(f640))) * 1000;
    await fd.dispose();
  } catch (err) {
    notes.push(`face detector unavailable: ${(err as Error).message}`);
  }

  const result: EmbedBackendsResult = {
    when: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    clipLen,
    resolution: '224x224',
    rows,
    faceDetectMsPerFrame,
    notes,
  };

  log(`embed backends — ${result.cpu}, ${result.cores} cores, clips of ${clipLen} frames at 224x224`);
  log(['backend'.padEnd(40), 'provider', 'batch', 'scenario'.padEnd(17), 'clips/s'.padStart(9), 'ms/frame'.padStart(9)].join(' '));
  for (const r of rows)
    log([r.backend.padEnd(40), r.provider.padEnd(8), String(r.batchSize ?? '-').padStart(5), r.scenario.padEnd(17), r.clipsPerSec.toFixed(1).padStart(9), r.msPerFrame.toFixed(2).padStart(9)].join(' '));
  if (faceDetectMsPerFrame !== null) log(`BlazeFace detect (640x360 frame, letterboxed to 256): ${faceDetectMsPerFrame.toFixed(1)} ms/frame`);
  for (const n of notes) log(`note: ${n}`);

  const here = dirname(fileURLToPath(import.meta.url));
  const out = opts.outFile ?? resolve(here, '../results/embed-backends.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  log(`wrote ${out}`);
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runEmbedBackendsBench();
}

/**
 * Per-stage wall times of one ingest of a video on the default embedder (hybrid-work), each stage
 * run alone and in sequence with the same functions the pipeline calls (so the figures add up to
 * more than the pipeline's own time, where stages overlap: the key-frame still decode runs beside
 * the frame decode, the backbone on ONNX Runtime's threads beside the work grid). The scene
 * still's median is timed on the native kernel and on its TypeScript reference in the same run
 * (the baseline for the ratio), and the two are checked to give the same bytes. Prints a table and
 * writes benchmarks/results/embed-stages.json (`--json` prints that JSON instead). Also a
 * fingerprint (sha256) of the frames and of the clip vectors, so a speed change can show its
 * output is unchanged.
 *
 *   node --import tsx benchmarks/embed/stages.ts [video] [--runs N] [--json]
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { resolveFfmpegPath, resolveFfprobePath } from '../../shared/media/binaries.js';
import { probeVideo } from '../../shared/media/probe.js';
import { decodeFrames, decodeFramesTee, type RgbFrame } from '../../shared/media/decode.js';
import { sceneStill, stillFallbackDecode, stillSize, encodeStill, decodeStill, resizeGrey } from '../../shared/perception/scene-still.js';
import { pictureRect, medianFrame, medianFrameTs } from '../../shared/perception/image.js';
import { mediaKernels } from '../../shared/perception/native-kernels.js';
import type { Frame } from '../../shared/vision/frame.js';
import { createEmbedder } from '../../shared/vision/create-embedder.js';
import { SceneHybridEmbedder } from '../../shared/vision/scene-hybrid-embedder.js';
import { WorkClipEmbedder } from '../../shared/vision/work-embedder.js';
import { HeuristicClipEmbedder } from '../../shared/vision/heuristic-embedder.js';
import { OnnxClipEmbedder, defaultModelPath } from '../../shared/vision/onnx-embedder.js';
import { planClips } from '../../shared/media/clips.js';
import { loadConfig } from '../../shared/config.js';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const asJson = args.includes('--json');
const ffmpegPath = resolveFfmpegPath(process.env.SOPILOT_FFMPEG_PATH);
const ffprobePath = resolveFfprobePath(process.env.SOPILOT_FFPROBE_PATH);
let video = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');
if (!video) {
  const dir = path.join(os.tmpdir(), 'sopilot-bench-videos');
  mkdirSync(dir, { recursive: true });
  video = path.join(dir, '10s-720p.mp4');
  if (!existsSync(video)) execFileSync(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-t', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', video]);
}
const c = loadConfig({ PATH: process.env.PATH });
const size = c.FRAME_SIZE;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = new Map<string, number[]>();
async function stage<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  const list = times.get(name) ?? [];
  list.push(performance.now() - t0);
  times.set(name, list);
  return r;
}

const { embedder: model } = await createEmbedder({ backend: 'hybrid-work', modelPath: defaultModelPath() });
if (!(model instanceof SceneHybridEmbedder)) throw new Error(`hybrid-work did not give the scene hybrid (${model.name})`);
const onnx = await OnnxClipEmbedder.create({});
const heuristic = new HeuristicClipEmbedder();
const work = new WorkClipEmbedder();
let framesHash = '';
let vectorsHash = '';
let medianFrameCount = 0;

for (let run = 0; run < runs; run++) {
  const info = await stage('probe (ffprobe)', () => probeVideo(video!, { ffprobePath }));
  const fb = stillFallbackDecode({ durationSec: info.duration_sec, srcW: info.width, srcH: info.height });
  const frames = await stage('decode: frames alone (fps, pad to 224)', async () => {
    const out: RgbFrame[] = [];
    for await (const f of decodeFrames(video!, { fps: c.SAMPLE_FPS, width: size, height: size, resize: 'pad', ffmpegPath })) out.push(f.frame);
    return out;
  });
  await stage('decode: frames + still side output (tee)', async () => {
    const tee = decodeFramesTee(video!, { fps: c.SAMPLE_FPS, width: size, height: size, resize: 'pad', ffmpegPath }, fb);
    tee.discardSide();
    let n = 0;
    for await (const _ of tee.frames) n++;
    return n;
  });
  // The still's median on both paths, over frames of the still's size (the decoded frames resized).
  const sz = stillSize(info.width, info.height);
  const stillFrames: Frame[] = [];
  for await (const f of decodeFrames(video!, { fps: fb.fps, width: sz.width, height: sz.height, resize: 'stretch', ffmpegPath })) stillFrames.push(f.frame);
  const tsMedian = await stage('scene still median, TypeScript (baseline)', () => medianFrameTs(stillFrames));
  const nativeMedian = await stage('scene still median, native kernel', () => medianFrame(stillFrames));
  if (Buffer.compare(Buffer.from(tsMedian.data), Buffer.from(nativeMedian.data)) !== 0) throw new Error('the native median differs from the TypeScript one');
  medianFrameCount = stillFrames.length;
  const still = await stage('scene still (key frames decode + median)', () => sceneStill(video!, { ffmpegPath, durationSec: info.duration_sec, srcW: info.width, srcH: info.height }));
  const stored = encodeStill(still);
  const rect = pictureRect(size, info.width, info.height);
  const bg = await stage('embed: still decode + resize to picture', () => resizeGrey(decodeStill(stored), rect.width, rect.height));
  await stage('embed: backbone ONNX (every frame)', () => onnx.embedFrames(frames));
  await stage('embed: heuristic frame features', () => heuristic.embedFrames(frames));
  await stage('embed: work grid (change + motion)', () => work.forScene(bg, rect).embedFrames(frames));
  const per = model.forScene(bg, rect);
  const feats = await stage('embed: all parts as the pipeline runs them (batches of 8)', async () => {
    const out: Float32Array[] = [];
    for (let i = 0; i < frames.length; i += 8) out.push(...(await per.embedFrames(frames.slice(i, i + 8))));
    return out;
  });
  const clips = planClips(frames.length, c.SAMPLE_FPS, { clipFrames: c.CLIP_FRAMES, stride: c.CLIP_STRIDE });
  const vectors = await stage('embed: clip pooling', () => clips.map((s) => per.combineClip(feats.slice(s.start_frame, s.end_frame))));
  const h1 = createHash('sha256');
  for (const f of frames) h1.update(f.data);
  framesHash = h1.digest('hex').slice(0, 16);
  const h2 = createHash('sha256');
  for (const v of vectors) h2.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  vectorsHash = h2.digest('hex').slice(0, 16);
}

const rows = [...times.entries()].map(([name, xs]) => ({ stage: name, ms_median: Math.round(median(xs) * 10) / 10 }));
const ms = (name: string) => rows.find((r) => r.stage.startsWith(name))?.ms_median ?? NaN;
const result = {
  video: path.basename(video), runs, cpus: os.cpus().length, load: os.loadavg()[0], native_kernels: mediaKernels() !== null,
  stages: rows,
  still_median: { frames: medianFrameCount, speedup_native_vs_ts: Math.round((ms('scene still median, TypeScript') / ms('scene still median, native')) * 10) / 10 },
  frames_sha256: framesHash, vectors_sha256: vectorsHash,
};
writeFileSync(fileURLToPath(new URL('../results/embed-stages.json', import.meta.url)), JSON.stringify(result, null, 2) + '\n');
if (asJson) console.log(JSON.stringify(result));
else {
  console.log(`${path.basename(video)}, ${runs} runs, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`);
  for (const r of rows) console.log(`${r.stage.padEnd(60)} ${r.ms_median.toFixed(1).padStart(8)} ms`);
  console.log(`still median over ${medianFrameCount} frames: native ${result.still_median.speedup_native_vs_ts}x the TypeScript path (same bytes)`);
  console.log(`frames sha256 ${framesHash}  vectors sha256 ${vectorsHash}`);
  console.log('wrote benchmarks/results/embed-stages.json');
}
await onnx.dispose();

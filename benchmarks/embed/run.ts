/**
 * npm run bench:embed — clips/s per embedder backend and batch size; ingest time of a 10 s
 * 720p video; the same video ingested as a gold (step detection too) against as a trainee,
 * alternated in one run; peak RSS while ingesting a 1-minute and a 20-minute video (same
 * process shape, so the ratio shows whether memory depends on length). Table on stdout, JSON in
 * benchmarks/results/embed.json. `--gold-only` runs the gold/trainee part alone and updates
 * that entry of the existing JSON.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveFfmpegPath } from '../../shared/media/binaries.js';
import { runEmbedBackendsBench } from './backends.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const tmp = path.join(os.tmpdir(), 'sopilot-bench-videos');
mkdirSync(tmp, { recursive: true });
const ffmpeg = resolveFfmpegPath(process.env.SOPILOT_FFMPEG_PATH);
const quick = process.argv.includes('--quick');

function makeVideo(file: string, seconds: number, size: string, fps: number): string {
  if (!existsSync(file)) {
    execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}`, '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file]);
  }
  return file;
}

function ingest(video: string, backend: string, runs: number, role: 'gold' | 'trainee' = 'trainee') {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'ingest-child.ts'), video, backend, role], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
    const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    if (r.status !== 0 || !line) throw new Error(`ingest of ${video} failed: ${r.stderr.slice(-2000)}`);
    out.push(JSON.parse(line));
  }
  return out;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The default embedder's ingest as gold and as trainee, alternated so both see the same load. */
function goldVsTrainee(video: string, runs: number) {
  const gold: number[] = [];
  const trainee: number[] = [];
  const goldEmbed: number[] = [];
  const traineeEmbed: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = ingest(video, 'hybrid-work', 1, 'trainee')[0];
    const g = ingest(video, 'hybrid-work', 1, 'gold')[0];
    trainee.push(t.total_ms);
    gold.push(g.total_ms);
    traineeEmbed.push(t.embed_ms);
    goldEmbed.push(g.embed_ms);
  }
  const r = { runs, backend: 'hybrid-work', gold_total_ms_median: median(gold), trainee_total_ms_median: median(trainee), gold_embed_ms_median: median(goldEmbed), trainee_embed_ms_median: median(traineeEmbed), ratio: median(gold) / median(trainee) };
  console.log(`\nGold against trainee, ${path.basename(video)}, hybrid-work, ${runs} alternated runs: gold ${r.gold_total_ms_median.toFixed(0)} ms, trainee ${r.trainee_total_ms_median.toFixed(0)} ms: ${r.ratio.toFixed(2)}x (goal: at most 3x)`);
  return r;
}

if (process.argv.includes('--gold-only')) {
  const file = path.join(root, 'benchmarks/results/embed.json');
  const prev = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  prev.gold_vs_trainee_10s_720p = goldVsTrainee(makeVideo(path.join(tmp, '10s-720p.mp4'), 10, '1280x720', 30), quick ? 1 : 5);
  writeFileSync(file, JSON.stringify(prev, null, 2) + '\n');
  console.log('updated benchmarks/results/embed.json (gold_vs_trainee_10s_720p)');
  process.exit(0);
}

const backends = await runEmbedBackendsBench({ batchSizes: quick ? [1, 8] : [1, 8, 32], reps: quick ? 1 : 3, outFile: path.join(root, 'benchmarks/results/embed-backends.json'), log: () => undefined });

const v10 = makeVideo(path.join(tmp, '10s-720p.mp4'), 10, '1280x720', 30);
const ingest10: Record<string, ReturnType<typeof ingest>> = {};
for (const b of ['heuristic', 'onnx', 'hybrid', 'hybrid-work:no-motion', 'hybrid-work']) ingest10[b] = ingest(v10, b, quick ? 1 : 3);
const gold10 = goldVsTrainee(v10, quick ? 1 : 3);

const lengths = quick ? [60, 300] : [60, 1200];
const rss: Array<{ minutes: number; peak_rss_mb: number; ingest_ms: number; clip_count: number }> = [];
for (const s of lengths) {
  const f = makeVideo(path.join(tmp, `${s}s-360p.mp4`), s, '640x360', 15);
  const r = ingest(f, 'auto', 1)[0];
  rss.push({ minutes: s / 60, peak_rss_mb: r.peak_rss_mb, ingest_ms: r.ingest_ms, clip_count: r.clip_count });
}

const result = {
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  embed_backends: backends,
  ingest_10s_720p: Object.fromEntries(
    Object.entries(ingest10).map(([b, runs]) => [b, { runs: runs.length, total_ms_median: median(runs.map((r) => r.total_ms)), clip_extract_ms_median: median(runs.map((r) => r.clip_extract_ms)), embed_ms_median: median(runs.map((r) => r.embed_ms)), clip_count: runs[0].clip_count }]),
  ),
  gold_vs_trainee_10s_720p: gold10,
  peak_rss_by_length: rss,
};
mkdirSync(path.join(root, 'benchmarks/results'), { recursive: true });
writeFileSync(path.join(root, 'benchmarks/results/embed.json'), JSON.stringify(result, null, 2) + '\n');

console.log('\nIngest of a 10 s 1280x720 video (upload to indexed, embedded defaults, model already loaded):');
console.log('backend                total ms  clip-extract ms  embed ms  clips  vs 2 s goal');
for (const [b, r] of Object.entries(result.ingest_10s_720p)) {
  console.log(`${b.padEnd(21)} ${r.total_ms_median.toFixed(0).padStart(9)} ${String(Math.round(r.clip_extract_ms_median)).padStart(16)} ${String(Math.round(r.embed_ms_median)).padStart(9)} ${String(r.clip_count).padStart(6)}  ${(2000 / r.total_ms_median).toFixed(1)}x under`);
}
const onnx = result.ingest_10s_720p.onnx.total_ms_median;
const heur = result.ingest_10s_720p.heuristic.total_ms_median;
const hyb = result.ingest_10s_720p.hybrid.total_ms_median;
const hw = result.ingest_10s_720p['hybrid-work'].total_ms_median;
const hw0 = result.ingest_10s_720p['hybrid-work:no-motion'].total_ms_median;
console.log(`onnx / heuristic ingest time, same run: ${(onnx / heur).toFixed(2)}x; hybrid / heuristic: ${(hyb / heur).toFixed(2)}x; hybrid-work (the default) / hybrid-work without its motion part (the previous default): ${(hw / hw0).toFixed(2)}x`);
console.log('\nPeak RSS while ingesting (the default embedder, hybrid-work, 640x360 15 fps):');
console.log('minutes  peak RSS MB  ingest s  clips');
for (const r of rss) console.log(`${String(r.minutes).padStart(7)} ${r.peak_rss_mb.toFixed(0).padStart(12)} ${(r.ingest_ms / 1000).toFixed(1).padStart(9)} ${String(r.clip_count).padStart(6)}`);
console.log(`RSS ratio ${rss[1].minutes} min / ${rss[0].minutes} min: ${(rss[1].peak_rss_mb / rss[0].peak_rss_mb).toFixed(2)}x (1.0 = independent of length)`);
console.log('\nwrote benchmarks/results/embed.json');

// How well each feature family tells a task's steps apart across takes, on the real footage:
// gold = take 1, trainees = takes 2 and 3 of each labelled task, trainee frames registered to the
// gold (camera registration, nearest-pixel warp). For each trainee step (its labelled span) and
// gold step, the mean over the step's trainee frames of the best centred cosine with any frame of
// the gold step; a step is "diagonal-best" when its own gold step wins, and its margin is own
// minus the best other. This is perception alone, before any scoring rule.
// Usage: node --import tsx scripts/eval/step-separability.ts [--out FILE.json] [--only NAME-START,...] [--rotation] [--dev]
// (--rotation: takes 2 and 3 are golds too, reported apart as golds "takes 2, 3"; --dev: the
// development tasks only, for trying a change without looking at the held-out task).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeFrames } from '../../shared/media/decode.js';
import { toGrey, medianFrame } from '../../shared/perception/image.js';
import { registerCamera, rescaleSimilarity, applySimilarity, type Similarity } from '../../shared/perception/registration.js';
import { WorkFeatureExtractor, WORK_GRID, WORK_BLUR_CELLS } from '../../shared/perception/work-features.js';
import { createEmbedder } from '../../shared/vision/create-embedder.js';
import { poolClipFeatures, type FrameFeatureEmbedder } from '../../shared/vision/embedder.js';
import type { Frame } from '../../shared/vision/frame.js';
import { workRegion, meanBox, cropFrame } from '../../shared/perception/work-region.js';
import { MotionDirectionTracker, MOTION_REGIONS } from '../../shared/perception/motion-direction.js';

const FOOTAGE = '../shared/footage/hrt1';
const FPS = 4;
const W = 224;
const H = 126;
/** ±1 s of context per frame, pooled as the clips are (mean and trend). */
const HALF = 4;
const rotation = process.argv.includes('--rotation');
const devOnly = process.argv.includes('--dev');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : '';
const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : 'benchmarks/results/step-separability.json';

if (!existsSync(FOOTAGE)) {
  console.log(`step-separability: skipped, ${FOOTAGE} is absent`);
  process.exit(0);
}
const labels = JSON.parse(readFileSync('eval/labels/hrt1.json', 'utf8')) as {
  heldout: string[];
  tasks: Record<string, { takes: Record<string, Array<[number, number]>> }>;
};

async function decode(file: string, width: number, height: number): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const f of decodeFrames(file, { fps: FPS, width, height, resize: 'stretch' })) frames.push(f.frame);
  return frames;
}

function warp(f: Frame, t: Similarity): Frame {
  const o = new Uint8Array(f.data.length);
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      const [u, v] = applySimilarity(t, x, y);
      const xi = Math.min(f.width - 1, Math.max(0, Math.round(u)));
      const yi = Math.min(f.height - 1, Math.max(0, Math.round(v)));
      o.set(f.data.subarray(3 * (yi * f.width + xi), 3 * (yi * f.width + xi) + 3), 3 * (y * f.width + x));
    }
  }
  return { width: f.width, height: f.height, data: o };
}

const stillOf = (frames: Frame[]) => toGrey(medianFrame(frames.filter((_, i) => i % Math.max(1, Math.floor(frames.length / 40)) === 0)));

/** The take's frames in the gold's picture coordinates (registration at twice the feature size). */
interface Take { small: Frame[]; big: Frame[]; goldSmall?: Frame[] }
const decoded = new Map<string, Promise<Take>>();
function decodeTake(task: string, take: string): Promise<Take> {
  const file = path.join(FOOTAGE, `${task}_trial_${take}.mp4`);
  if (!decoded.has(file)) decoded.set(file, (async () => ({ small: await decode(file, W, H), big: await decode(file, 2 * W, 2 * H) }))());
  return decoded.get(file)!;
}
async function takeFrames(task: string, take: string, goldStill: ReturnType<typeof stillOf> | null, goldSmall?: Frame[]): Promise<Take> {
  const { small, big } = await decodeTake(task, take);
  if (!goldStill) return { small, big };
  const { camera, transform } = await registerCamera(goldStill, stillOf(big));
  if (!camera.same_scene) return { small, big };
  return { small: small.map((f) => warp(f, rescaleSimilarity(transform, 0.5, 0.5))), big: big.map((f) => warp(f, transform)), goldSmall };
}

type Family = { name: string; perFrame: (take: Take) => Promise<Float32Array[]> };
const mobilenet = (await createEmbedder({ backend: 'onnx' })).embedder as unknown as FrameFeatureEmbedder;
const heuristic = (await createEmbedder({ backend: 'heuristic' })).embedder as unknown as FrameFeatureEmbedder;
const families: Family[] = [
  {
    name: 'work (change vs own scene + motion, 28x16 grid)',
    perFrame: async ({ small }) => workGrid(small),
  },
  { name: 'heuristic (colour histogram, grey grid)', perFrame: ({ small }) => heuristic.embedFrames(small) },
  { name: 'mobilenet_v2 (nsfwjs backbone, pooled)', perFrame: ({ small }) => backbone(small) },
  {
    name: 'work against the gold\'s scene still (registered; not adopted)',
    perFrame: async ({ small, goldSmall }) => {
      const ex = new WorkFeatureExtractor({ rect: { x: 0, y: 0, width: W, height: H }, ...WORK_GRID }, stillOf(goldSmall ?? small));
      return small.map((f) => ex.next(f));
    },
  },
  {
    name: 'work smoothed by one cell (blurCells; not adopted)',
    perFrame: async ({ small }) => workGrid(small, 1),
  },
  cropFamily('big'),
  cropFamily('small'),
  {
    name: 'motion: directions of block motion per sixth of the picture (the product\'s)',
    perFrame: async ({ small }) => flowRows(small, MOTION_REGIONS),
  },
  {
    name: 'motion pooled over the whole picture (not adopted)',
    perFrame: async ({ small }) => flowRows(small),
  },
];
// Mixtures as the embedders build them: each part L2-normalised per frame and scaled by the root
// of its share of the cosine (hybrid-embedder.ts).
const memo = new Map<string, Promise<Float32Array[]>>();
const takeIds = new WeakMap<Take, number>();
let nextId = 0;
function partOf(name: string, take: Take): Promise<Float32Array[]> {
  if (!takeIds.has(take)) takeIds.set(take, nextId++);
  const key = `${name}|${takeIds.get(take)}`;
  if (!memo.has(key)) memo.set(key, families.find((f) => f.name.startsWith(name))!.perFrame(take));
  return memo.get(key)!;
}
function mixture(label: string, parts: Array<[string, number, number?]>): Family {
  return {
    name: `${label}: ${parts.map(([n, w]) => `${w} ${SHORT[n]}`).join(' + ')}`,
    perFrame: async (take) => {
      const got = await Promise.all(parts.map(([n]) => partOf(n, take)));
      return got[0].map((_, i) => {
        const rows = got.map((g, k) => {
          const v = g[i];
          // A part that can be near zero (no motion) is scaled by a floor, not blown up to unit.
          const norm = Math.max(Math.hypot(...v), parts[k][2] ?? 0) || 1;
          return Float32Array.from(v, (x) => (x / norm) * Math.sqrt(parts[k][1]));
        });
        const out = new Float32Array(rows.reduce((s, r) => s + r.length, 0));
        let o = 0;
        for (const r of rows) (out.set(r, o), (o += r.length));
        return out;
      });
    },
  };
}
const FLOW = 'motion: ', FLOW_WHOLE = 'motion pooled';
/** Frame features are over MOTION_SCALE: a part with next to no motion stays small (motion-embedder.ts). */
const FLOW_NORM = 1;
const WORK = 'work (', HEUR = 'heuristic', MOB = 'mobilenet_v2 (nsfwjs', CROP = `mobilenet_v2 on the work region (crop, ${2 * W}`, CROP_S = `mobilenet_v2 on the work region (crop, ${W}`;
const SHORT: Record<string, string> = { [FLOW_WHOLE]: 'motion@whole', [FLOW]: 'motion', [WORK]: 'work', [HEUR]: 'heuristic', [MOB]: 'mobilenet', [CROP]: `crop@${2 * W}`, [CROP_S]: `crop@${W}` };
families.push(
  mixture('hybrid-work before motion, frame view', [[WORK, 0.7], [MOB, 0.15], [HEUR, 0.15]]),
  mixture('hybrid-work, work-region view', [[WORK, 0.7], [CROP_S, 0.15], [HEUR, 0.15]]),
  mixture('the same, crops at 2x', [[WORK, 0.7], [CROP, 0.15], [HEUR, 0.15]]),
  mixture('both views', [[WORK, 0.6], [MOB, 0.1], [HEUR, 0.1], [CROP_S, 0.2]]),
  mixture('hybrid-work (the default, frame view)', [[WORK, 0.5], [FLOW, 0.2, FLOW_NORM], [MOB, 0.15], [HEUR, 0.15]]),
  mixture('the same with whole-picture motion', [[WORK, 0.5], [FLOW_WHOLE, 0.2, FLOW_NORM], [MOB, 0.15], [HEUR, 0.15]]),
);
/** MobileNetV2 on the box around the change (work-region.ts), from frames at twice or at the feature size. */
function cropFamily(source: 'big' | 'small'): Family {
  return {
    name: `mobilenet_v2 on the work region (crop, ${source === 'big' ? 2 * W : W} px)`,
    perFrame: async (take) => {
      const cells = WORK_GRID.cols * WORK_GRID.rows;
      const boxes = workGrid(take.small).map((g) => workRegion(g.subarray(0, cells), WORK_GRID.cols, WORK_GRID.rows, W / H));
      // Causal smoothing, as a streaming embedder can do it: the mean of this and the last boxes.
      return backbone(take[source].map((f, i) => cropFrame(f, meanBox(boxes.slice(Math.max(0, i - HALF), i + 1)))));
    },
  };
}
function flowRows(fr: Frame[], regions?: { readonly cols: number; readonly rows: number }): Float32Array[] {
  const t = new MotionDirectionTracker({ x: 0, y: 0, width: W, height: H }, { regions });
  return fr.map((f) => t.next(f));
}
function workGrid(fr: Frame[], blur = WORK_BLUR_CELLS): Float32Array[] {
  const ex = new WorkFeatureExtractor({ rect: { x: 0, y: 0, width: W, height: H }, ...WORK_GRID }, stillOf(fr), { blur });
  return fr.map((f) => ex.next(f));
}
async function backbone(fr: Frame[]): Promise<Float32Array[]> {
  const r: Float32Array[] = [];
  for (let i = 0; i < fr.length; i += 16) r.push(...(await mobilenet.embedFrames(fr.slice(i, i + 16))));
  return r;
}

const withContext = (f: Float32Array[]) => f.map((_, i) => poolClipFeatures(f.slice(Math.max(0, i - HALF), Math.min(f.length, i + HALF + 1)), { pooling: 'concat' }));
function centred(rows: Float32Array[], mean: Float64Array): Float32Array[] {
  return rows.map((r) => {
    const o = Float32Array.from(r, (v, x) => v - mean[x]);
    const n = Math.hypot(...o) || 1;
    return o.map((v) => v / n);
  });
}
const stepOfFrame = (spans: Array<[number, number]>, i: number) => {
  const t = (i + 0.5) / FPS;
  const k = spans.findIndex(([a, b]) => t >= a && t < b);
  return k < 0 ? spans.length - 1 : k;
};

interface Row { family: string; split: string; golds: string; steps: number; diagonal_best: number; mean_margin: number }
const acc = new Map<string, { steps: number; diag: number; margin: number }>();
for (const [task, info] of Object.entries(labels.tasks)) {
  const takes = Object.keys(info.takes);
  if (takes.length < 2 || !takes.includes('1')) continue;
  const split = labels.heldout.includes(task) ? 'heldout' : 'dev';
  if (devOnly && split !== 'dev') continue;
  // --rotation: every take is the gold in turn (the gold rotation of docs/evaluation.md).
  for (const goldTake of rotation ? takes : ['1']) {
  const golds = goldTake === '1' ? 'take 1' : 'takes 2, 3';
  const goldFrames = await takeFrames(task, goldTake, null);
  const goldStill = stillOf(goldFrames.big);
  const trainees = await Promise.all(takes.filter((t) => t !== goldTake).map(async (t) => ({ take: t, frames: await takeFrames(task, t, goldStill, goldFrames.small) })));
  for (const fam of families.filter((f) => !only || only.split(',').some((o) => f.name.startsWith(o)))) {
    const g0 = withContext(await fam.perFrame(goldFrames));
    const mean = new Float64Array(g0[0].length);
    for (const r of g0) r.forEach((v, x) => (mean[x] += v / g0.length));
    const g = centred(g0, mean);
    const gs = g.map((_, i) => stepOfFrame(info.takes[goldTake], i));
    const K = info.takes[goldTake].length;
    for (const tr of trainees) {
      const t = centred(withContext(await fam.perFrame(tr.frames)), mean);
      const S = Array.from({ length: K }, () => new Float64Array(K));
      const cnt = new Float64Array(K);
      t.forEach((tj, j) => {
        const k = stepOfFrame(info.takes[tr.take], j);
        const best = new Float64Array(K).fill(-1);
        g.forEach((gi, i) => {
          let c = 0;
          for (let x = 0; x < gi.length; x++) c += gi[x] * tj[x];
          if (c > best[gs[i]]) best[gs[i]] = c;
        });
        cnt[k]++;
        best.forEach((b, l) => (S[k][l] += b));
      });
      const a = acc.get(`${fam.name}|${split}|${golds}`) ?? { steps: 0, diag: 0, margin: 0 };
      for (let k = 0; k < K; k++) {
        if (!cnt[k]) continue;
        const own = S[k][k] / cnt[k];
        const other = Math.max(...Array.from(S[k], (v, l) => (l === k ? -Infinity : v / cnt[k])));
        a.steps++;
        if (own > other) a.diag++;
        a.margin += own - other;
      }
      acc.set(`${fam.name}|${split}|${golds}`, a);
    }
  }
  }
  decoded.clear(); // a task's takes are decoded once for all its golds, then let go
  console.error(`step-separability: ${task} done`);
}
const rows: Row[] = [...acc.entries()].map(([key, a]) => {
  const [family, split, golds] = key.split('|');
  return { family, split, golds, steps: a.steps, diagonal_best: a.diag, mean_margin: Math.round((a.margin / a.steps) * 1000) / 1000 };
});
console.log(`${'family'.padEnd(48)} ${'split'.padEnd(8)} ${'golds'.padEnd(11)} diagonal-best  mean margin`);
for (const r of rows) console.log(`${r.family.slice(0, 48).padEnd(48)} ${r.split.padEnd(8)} ${r.golds.padEnd(11)} ${`${r.diagonal_best}/${r.steps}`.padEnd(14)} ${r.mean_margin.toFixed(3)}`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ generated_by: 'scripts/eval/step-separability.ts', fps: FPS, frame: `${W}x${H}`, context_sec: (2 * HALF + 1) / FPS, rows }, null, 2) + '\n');

/**
 * Checks the converted MoveNet against the original TF.js model on real frames: the same
 * 192x192 input into both, then keypoints (ONNX heads + TypeScript decode vs the TF.js graph's
 * own decode) and the raw heads compared. Prints the figures PROVENANCE.md quotes.
 *
 * Run: node --import tsx models/check-movenet.ts [--human-dir DIR] [video ...]
 *   default videos: ../shared/footage/hrt1/human_*.mp4 (2 frames per second, all of each)
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectFrames } from '../shared/media/decode.js';
import { decodeMovenet } from '../shared/perception/movenet-decode.js';
import { movenetInput, PoseDetector } from '../shared/perception/pose.js';
import { humanPackageDir } from './tfjs-onnx/human-package.js';
import { loadMovenetReference } from './movenet-reference.js';

const args = process.argv.slice(2);
const dirFlag = args.indexOf('--human-dir');
const humanDir = humanPackageDir(dirFlag >= 0 ? args.splice(dirFlag, 2)[1] : undefined);
const footage = resolve('../shared/footage/hrt1');
const videos = args.length ? args : existsSync(footage) ? readdirSync(footage).filter((f) => f.startsWith('human_')).sort().map((f) => join(footage, f)) : [];
if (!videos.length) throw new Error(`no videos given and ${footage} is absent`);

const ref = await loadMovenetReference(humanDir);
const det = await PoseDetector.create({ useGpu: 'false' });
const kp = { pos: [] as number[], score: [] as number[] };
const headMax: Record<string, number> = {};
let tfMs = 0, onnxMs = 0, n = 0;
for (const v of videos) {
  for (const { frame: f } of await collectFrames(v, { fps: 2, width: 640, height: 480 })) {
    const { tensor } = movenetInput(f.data, f.width, f.height);
    let t = performance.now();
    const want = ref.keypoints(tensor);
    tfMs += performance.now() - t;
    t = performance.now();
    const heads = await det.heads(tensor);
    const got = decodeMovenet(heads);
    onnxMs += performance.now() - t;
    n++;
    for (let k = 0; k < 17; k++) {
      kp.pos.push(Math.abs(want[3 * k] - got[3 * k]), Math.abs(want[3 * k + 1] - got[3 * k + 1]));
      kp.score.push(Math.abs(want[3 * k + 2] - got[3 * k + 2]));
    }
    const refHeads = ref.heads(tensor);
    for (const [name, r] of Object.entries(refHeads)) {
      const o = heads[name as keyof typeof heads];
      let m = 0;
      for (let i = 0; i < r.length; i++) m = Math.max(m, Math.abs(r[i] - o[i]));
      headMax[name] = Math.max(headMax[name] ?? 0, m);
    }
  }
}
const stats = (a: number[]) => ({ max: Math.max(...a), mean: a.reduce((s, x) => s + x, 0) / a.length });
const p = stats(kp.pos), s = stats(kp.score);
console.log(`@vladmandic/human ${ref.version}, ${videos.length} videos, ${n} frames (2 fps, 640x480), ${n * 17} keypoints`);
console.log(`keypoint position |Δ| (fraction of the 192 input): max ${p.max.toExponential(2)} mean ${p.mean.toExponential(2)} (max ${(p.max * 192).toFixed(4)} px)`);
console.log(`keypoint score |Δ|: max ${s.max.toExponential(2)} mean ${s.mean.toExponential(2)}`);
console.log(`heads max |Δ|: ${Object.entries(headMax).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
console.log(`ms per frame (model + decode, same input): tfjs cpu ${(tfMs / n).toFixed(1)}, onnx cpu ${(onnxMs / n).toFixed(1)}`);
ref.dispose();
await det.dispose();

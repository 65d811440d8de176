/**
 * Checks the converted hand models and hands.ts against the original TF.js pipeline
 * (models/handtrack/hands-reference.ts: @vladmandic/human's handtrack.ts on the original graphs) on real
 * frames. Per frame: detector heads (TS preprocessing + ONNX vs the whole TF.js graph incl. its
 * preprocessing loop), which boxes are kept, and per kept box the landmark crop, the landmark
 * model's outputs on the same crop, and the final keypoints in frame pixels. Prints the figures
 * the PROVENANCE.md files quote.
 *
 * Run: node --import tsx models/handtrack/check-hands.ts [--human-dir DIR] [--fps F] [--width W --height H] [video ...]
 *   default: ../shared/footage/hrt1/human_*.mp4 and task_3_trial_1.mp4, 1 fps, 640x480 (robot 640x360)
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectFrames } from '../../shared/media/decode.js';
import { decodeDetections, detectorInput, landmarkInput, landmarksToFrame } from '../../shared/perception/hand-geometry.js';
import { HandDetector } from '../../shared/perception/hands.js';
import { humanPackageDir } from '../tfjs-onnx/human-package.js';
import { loadHandsReference } from './hands-reference.js';

const args = process.argv.slice(2);
const flag = (f: string) => {
  const i = args.indexOf(f);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const humanDir = humanPackageDir(flag('--human-dir'));
const fps = Number(flag('--fps') ?? 1);
const maxPer = Number(flag('--max') ?? 1e9);
const footage = resolve('../../shared/footage/hrt1');
const videos = args.length ? args : existsSync(footage) ? readdirSync(footage).filter((f) => f.startsWith('human_') || f === 'task_3_trial_1.mp4').sort().map((f) => join(footage, f)) : [];
if (!videos.length) throw new Error(`no videos given and ${footage} is absent`);

const ref = await loadHandsReference(humanDir);
const det = await HandDetector.create({ useGpu: 'false' });
const max = { scores: 0, boxes: 0, crop: 0, landmarks: 0, handflag: 0, handedness: 0, keypointsPx: 0, boxes_kept: 0 };
const upd = (k: keyof typeof max, a: ArrayLike<number>, b: ArrayLike<number>) => {
  if (a.length !== b.length) throw new Error(`${k}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) max[k] = Math.max(max[k], Math.abs(a[i] - b[i]));
};
let frames = 0, hands = 0, sameSelection = 0, tfMs = 0, onnxMs = 0;
const mismatches: string[] = [];
for (const v of videos) {
  const robot = v.includes('/task_');
  const [w, h] = robot ? [640, 360] : [640, 480];
  for (const { frame: f, time_sec } of await collectFrames(v, { fps, width: w, height: h }, maxPer)) {
    frames++;
    const theirs = await ref.detectorHeads(f.data, w, h);
    const mine = await det.detectorHeads(detectorInput(f.data, w, h));
    upd('scores', theirs.scores, mine.scores);
    upd('boxes', theirs.boxes, mine.boxes);
    let t = performance.now();
    const rh = await ref.hands(f.data, w, h);
    tfMs += performance.now() - t;
    t = performance.now();
    const oh = await det.detectHands(f.data, w, h);
    onnxMs += performance.now() - t;
    const ours = decodeDetections(mine.scores, mine.boxes);
    if (ours.map((d) => d.anchor).join() === rh.map((d) => d.anchor).join()) sameSelection++;
    else mismatches.push(`${v.split('/').pop()} t=${time_sec}: tfjs anchors ${rh.map((d) => `${d.anchor}@${d.score.toFixed(3)}`)} onnx ${ours.map((d) => `${d.anchor}@${d.score.toFixed(3)}`)}`);
    for (let i = 0; i < Math.min(rh.length, ours.length); i++) {
      if (rh[i].anchor !== ours[i].anchor) continue;
      hands++;
      const r = rh[i], o = ours[i];
      upd('boxes_kept', [r.box.x, r.box.y, r.box.width, r.box.height], [o.box.x, o.box.y, o.box.width, o.box.height]);
      const crop = landmarkInput(f.data, w, h, o.crop);
      upd('crop', r.cropInput, crop);
      const lmRef = ref.landmarkHeads(crop), lmOnnx = await det.landmarkHeads(crop);
      upd('landmarks', lmRef.landmarks, lmOnnx.landmarks);
      upd('handflag', [lmRef.handflag], [lmOnnx.handflag]);
      upd('handedness', [lmRef.handedness], [lmOnnx.handedness]);
      const kp = landmarksToFrame(lmOnnx.landmarks, o.crop, w, h);
      upd('keypointsPx', r.keypoints.flatMap((p) => [p[0], p[1]]), kp.flatMap((p) => [p[0], p[1]]));
      const end = oh[i];
      if (end) upd('keypointsPx', r.keypoints.flatMap((p) => [p[0], p[1]]), end.keypoints.flatMap((p) => [p.x, p.y]));
    }
  }
}
console.log(`@vladmandic/human ${ref.version}; ${videos.length} videos, ${frames} frames (${fps} fps), ${hands} hands compared`);
console.log(`same boxes kept (anchor indices, order) in ${sameSelection} of ${frames} frames`);
for (const m of mismatches) console.log(`  differs: ${m}`);
console.log('max |Δ|: ' + Object.entries(max).map(([k, x]) => `${k} ${x.toExponential(2)}`).join(', '));
console.log(`ms per frame, whole pipeline: tfjs cpu ${(tfMs / frames).toFixed(0)}, onnx cpu ${(onnxMs / frames).toFixed(1)}`);
ref.dispose();
await det.dispose();

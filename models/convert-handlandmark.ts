/**
 * Converts MediaPipe's hand landmark model (lite; TF.js graph model `handlandmark-lite` shipped
 * in @vladmandic/human) to ONNX, whole graph (it has no in-graph post-processing).
 *
 * Run: node --import tsx models/convert-handlandmark.ts [--list-ops] [--human-dir DIR] [outFile]
 *   outFile default: models/handlandmark_lite/handlandmark_lite.onnx
 *
 * Graph contract: input `input` float32 [1,224,224,3], NHWC RGB in [0,1] (a hand crop).
 * Outputs: `landmarks` [1,63] (21 x (x, y, z) in crop pixels), `handflag` [1,1] (sigmoid: a hand
 * is in the crop), `handedness` [1,1] (sigmoid), `world` [1,63] (metric world landmarks).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { humanPackageDir, loadHumanModel } from './tfjs-onnx/human-package.js';
import { convertGraphModel, listOps, OP_MAPPING, type TfjsGraphModel } from './tfjs-onnx/graph.js';

export const HANDLANDMARK_OUTPUTS = [
  { tf: 'Identity', name: 'landmarks', shape: [1, 63] },
  { tf: 'Identity_1', name: 'handflag', shape: [1, 1] },
  { tf: 'Identity_2', name: 'handedness', shape: [1, 1] },
  { tf: 'Identity_3', name: 'world', shape: [1, 63] },
];

export const loadHandlandmark = (dir: string) => loadHumanModel(dir, 'handlandmark-lite');

export function convertHandlandmark(model: TfjsGraphModel, weightData: Uint8Array, version: string) {
  return convertGraphModel(model, weightData, {
    input: { tf: 'input_1', name: 'input', shape: [1, 224, 224, 3] },
    outputs: HANDLANDMARK_OUTPUTS,
    graphName: 'handlandmark_lite',
    producer: `sopilot convert-handlandmark (@vladmandic/human ${version})`,
    docString: 'MediaPipe hand landmarks (lite); input NHWC RGB in [0,1], a 224x224 hand crop',
  });
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--human-dir');
  const dir = humanPackageDir(i >= 0 ? args.splice(i, 2)[1] : undefined);
  const { model, weightData, version } = loadHandlandmark(dir);
  if (args.includes('--list-ops')) {
    for (const [op, n] of listOps(model)) console.log(`${op.padEnd(28)} ${String(n).padStart(5)}  ${OP_MAPPING[op] ?? '(unsupported)'}`);
  } else {
    const here = dirname(fileURLToPath(import.meta.url));
    const out = resolve(args.find((a) => !a.startsWith('--')) ?? `${here}/handlandmark_lite/handlandmark_lite.onnx`);
    const { bytes } = convertHandlandmark(model, weightData, version);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, bytes);
    console.log(`wrote ${out} (${(bytes.length / 1e6).toFixed(1)} MB) from @vladmandic/human ${version}`);
  }
}

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
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadHumanModel } from './tfjs-onnx/human-package.js';
import { convertGraphModel, type TfjsGraphModel } from './tfjs-onnx/graph.js';
import { runConverterCli } from './tfjs-onnx/cli.js';

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
  runConverterCli({
    load: loadHandlandmark,
    convert: convertHandlandmark,
    outputs: HANDLANDMARK_OUTPUTS.map((o) => o.tf),
    leftOut: '- (not needed by the outputs)',
    defaultOut: fileURLToPath(new URL('./handlandmark_lite/handlandmark_lite.onnx', import.meta.url)),
  });
}

/**
 * Converts MoveNet SinglePose Lightning (TF.js graph model shipped in @vladmandic/human) to
 * ONNX, cut before the in-graph decode (argmax/gather), which shared/perception/movenet-decode.ts
 * does in TypeScript instead.
 *
 * Run: node --import tsx models/convert-movenet.ts [--list-ops] [--human-dir DIR] [outFile]
 *   DIR: the installed @vladmandic/human package (default: resolved from node_modules, else
 *   /work/pose-deps/node_modules/@vladmandic/human). outFile default: models/movenet_lightning/movenet_lightning.onnx
 *
 * Graph contract: input `input` float32 [1,192,192,3], NHWC RGB 0..255 (the TF.js model takes
 * int32 and casts; feed integer values to match it). Outputs, all NHWC on the 48x48 grid:
 *   heatmap [1,48,48,17] keypoint heatmaps after sigmoid          (TF `Sigmoid`)
 *   center  [1,48,48,1]  person-centre heatmap after sigmoid, times the model's own
 *                        1/(distance to the frame centre + 1.8) weighting (TF `truediv_2`)
 *   regress [1,48,48,34] keypoint displacement from a centre, (dy,dx) per keypoint, in cells
 *   offset  [1,48,48,34] sub-cell offset of each keypoint, (dy,dx) per keypoint, in cells
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertGraphModel, type TfjsGraphModel } from './tfjs-onnx/graph.js';
import { loadHumanModel } from './tfjs-onnx/human-package.js';
import { runConverterCli } from './tfjs-onnx/cli.js';

export const MOVENET_HEADS = [
  { tf: 'StatefulPartitionedCall/Sigmoid', name: 'heatmap', shape: [1, 48, 48, 17] },
  { tf: 'StatefulPartitionedCall/truediv_2', name: 'center', shape: [1, 48, 48, 1] },
  { tf: 'StatefulPartitionedCall/kpt_regress_0/conv2d_6/BiasAdd', name: 'regress', shape: [1, 48, 48, 34] },
  { tf: 'StatefulPartitionedCall/kpt_offset_0/conv2d_7/BiasAdd', name: 'offset', shape: [1, 48, 48, 34] },
];

export const loadMovenet = (dir: string) => loadHumanModel(dir, 'movenet-lightning');

export function convertMovenet(model: TfjsGraphModel, weightData: Uint8Array, version: string) {
  return convertGraphModel(model, weightData, {
    input: { tf: 'input', name: 'input', shape: [1, 192, 192, 3] },
    outputs: MOVENET_HEADS,
    graphName: 'movenet_singlepose_lightning_heads',
    producer: `sopilot convert-movenet (@vladmandic/human ${version})`,
    docString: 'MoveNet SinglePose Lightning v4 cut at its heatmap/centre/regress/offset heads; input NHWC RGB 0..255',
  });
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  runConverterCli({
    load: loadMovenet,
    convert: convertMovenet,
    outputs: MOVENET_HEADS.map((h) => h.tf),
    leftOut: '- (only in the cut-off decode, done in TypeScript)',
    defaultOut: fileURLToPath(new URL('./movenet_lightning/movenet_lightning.onnx', import.meta.url)),
  });
}

/**
 * Converts the hand detector that @vladmandic/human 3.3.6 ships as `models/handtrack` (a TF
 * object-detection-API SSD: MobileNetV2 + FPN, weight-shared box predictor, 12804 anchors on a
 * 320x320 input; originally victordibia/handtracking, 7 classes) to ONNX.
 *
 * The TF graph begins with a `map/while` loop (TensorList ops) that casts the uint8 image,
 * scales it (x * 2/255 - 1) and resizes it to 320x320; ONNX gets the loop's output instead, so
 * that preprocessing is done by the caller (shared/perception/hand-geometry.ts, detectorInput).
 * The graph is cut at the two tensors @vladmandic/human's handtrack.ts reads
 * (`Postprocessor/Slice`, `Postprocessor/ExpandDims_1`): the anchor box decode stays in ONNX
 * (its anchors are constants), the in-graph NMS is not converted (done in TypeScript, as human
 * does with tf.image.nonMaxSuppression).
 *
 * Run: node --import tsx models/convert-handtrack.ts [--list-ops] [--human-dir DIR] [outFile]
 *   outFile default: models/handtrack/handtrack.onnx
 *
 * Graph contract: input `input` float32 [1,320,320,3], NHWC RGB scaled to [-1,1] and resized
 * (the TF loop's output). Outputs: `scores` [1,12804,7] (sigmoid, per class: hand, fist, pinch,
 * point, face, tip, pinchtip; background dropped), `boxes` [1,12804,4] (ymin, xmin, ymax, xmax as
 * fractions of the image, decoded from the anchors).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeWeights } from './tfjs-onnx/weights.js';
import { loadHumanModel } from './tfjs-onnx/human-package.js';
import { convertGraphModel, type TfjsGraphModel } from './tfjs-onnx/graph.js';
import { runConverterCli } from './tfjs-onnx/cli.js';
import { DETECTOR_INPUT, DETECTOR_PRE_SCALE, DETECTOR_PRE_SHIFT } from '../shared/perception/hand-geometry.js';

const P = 'StatefulPartitionedCall';
/** The TF tensor ONNX is fed with: the preprocessing loop's output. */
export const HANDTRACK_CUT = `${P}/map/TensorArrayV2Stack/TensorListStack`;
export const HANDTRACK_OUTPUTS = [
  { tf: `${P}/Postprocessor/Slice`, name: 'scores', shape: [1, 12804, 7] },
  { tf: `${P}/Postprocessor/Reshape_2`, name: 'boxes', shape: [1, 12804, 4] },
];
/** The preprocessing constants inside the loop (x * scale - shift, then resize to 320x320). */
export const HANDTRACK_PRE = {
  scale: `${P}/map/while/body/_410/map/while/Preprocessor/mul/x`,
  shift: `${P}/map/while/body/_410/map/while/Preprocessor/sub/y`,
  size: `${P}/map/while/body/_410/map/while/Preprocessor/ResizeImage/stack`,
};

export const loadHandtrack = (dir: string) => loadHumanModel(dir, 'handtrack');

/** Checks that the loop does what hand-geometry.ts's detectorInput does (same constants). */
export function checkHandtrackPreprocessing(model: TfjsGraphModel, weightData: Uint8Array): void {
  const w = decodeWeights(model.weightsManifest, weightData);
  const scale = w.get(HANDTRACK_PRE.scale)?.values[0], shift = w.get(HANDTRACK_PRE.shift)?.values[0];
  const size = Array.from(w.get(HANDTRACK_PRE.size)?.values ?? []);
  if (scale !== DETECTOR_PRE_SCALE || shift !== DETECTOR_PRE_SHIFT || size.join() !== `${DETECTOR_INPUT},${DETECTOR_INPUT}`)
    throw new Error(`handtrack preprocessing changed: scale ${scale} shift ${shift} size ${size} (hand-geometry.ts expects ${DETECTOR_PRE_SCALE}, ${DETECTOR_PRE_SHIFT}, ${DETECTOR_INPUT})`);
  const resize = model.modelTopology.node.find((n) => n.name === HANDTRACK_PRE.size.replace(/stack$/, 'resize/ResizeBilinear'));
  if (!resize || resize.attr?.align_corners?.b || resize.attr?.half_pixel_centers?.b) throw new Error('handtrack preprocessing resize is not the legacy (asymmetric) bilinear one');
}

export function convertHandtrack(model: TfjsGraphModel, weightData: Uint8Array, version: string) {
  checkHandtrackPreprocessing(model, weightData);
  return convertGraphModel(model, weightData, {
    input: { tf: HANDTRACK_CUT, name: 'input', shape: [1, DETECTOR_INPUT, DETECTOR_INPUT, 3] },
    quantizedWeights: 'keep-uint8',
    outputs: HANDTRACK_OUTPUTS,
    graphName: 'handtrack_ssd',
    producer: `sopilot convert-handtrack (@vladmandic/human ${version})`,
    docString: 'handtrack SSD MobileNetV2-FPN hand detector (victordibia/handtracking, @vladmandic/human), cut after its preprocessing loop and before NMS; input NHWC RGB x*2/255-1 at 320x320',
  });
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  runConverterCli({
    load: loadHandtrack,
    convert: convertHandtrack,
    outputs: HANDTRACK_OUTPUTS.map((o) => o.tf),
    cutInputs: [HANDTRACK_CUT],
    leftOut: '- (preprocessing loop or NMS: done in TypeScript)',
    defaultOut: fileURLToPath(new URL('./handtrack/handtrack.onnx', import.meta.url)),
  });
}

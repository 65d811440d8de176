/**
 * The original hand pipeline: @vladmandic/human 3.3.6's src/hand/handtrack.ts (detectHands +
 * detectFingers) re-run with the same tfjs ops on the original TF.js graph models (pure-JS CPU
 * backend), for one frame, no frame skipping or caching, maxDetected 2, minConfidence 0.5,
 * iouThreshold 0.2 (human's defaults). The reference the ONNX conversion and hands.ts are checked
 * and benchmarked against. Check/benchmark time only.
 */
import * as tf from '@tensorflow/tfjs';
import { loadHandtrack, HANDTRACK_OUTPUTS } from '../convert-handtrack.js';
import { loadHandlandmark } from '../convert-handlandmark.js';
import { loadTfjsGraph } from '../tfjs-onnx/tfjs-load.js';
import { CROP_EXPAND, detectorResizeSize, FACE_CLASS, LANDMARK_INPUT, scaleBox, type Box } from '../../shared/perception/hand-geometry.js';

/** The tensors human reads from the detector (scores [1,N,7] after sigmoid, boxes [1,N,1,4]). */
const DETECTOR_NODES = ['StatefulPartitionedCall/Postprocessor/Slice', 'StatefulPartitionedCall/Postprocessor/ExpandDims_1'];

export interface ReferenceHand {
  anchor: number;
  score: number;
  box: Box;
  crop: Box;
  /** The landmark model's input (crop / 255), [224,224,3]. */
  cropInput: Float32Array;
  landmarks: Float32Array;
  handflag: number;
  handedness: number;
  /** Frame pixels, as human maps them. */
  keypoints: Array<[number, number, number]>;
}

export interface HandsReference {
  /** Detector heads for a frame (human's resize, then the whole graph incl. its preprocessing loop). */
  detectorHeads(rgb: Uint8Array, width: number, height: number): Promise<{ scores: Float32Array; boxes: Float32Array }>;
  /** The landmark model alone on a prepared [224,224,3] crop. */
  landmarkHeads(crop: Float32Array): { landmarks: Float32Array; handflag: number; handedness: number };
  /** human's detectHands + detectFingers for a frame. */
  hands(rgb: Uint8Array, width: number, height: number): Promise<ReferenceHand[]>;
  version: string;
  dispose(): void;
}

export async function loadHandsReference(humanDir: string): Promise<HandsReference> {
  const d = loadHandtrack(humanDir), l = loadHandlandmark(humanDir);
  const detector = await loadTfjsGraph(d.model, d.weightData);
  const landmarker = await loadTfjsGraph(l.model, l.weightData);
  if (HANDTRACK_OUTPUTS.length !== 2) throw new Error('unexpected detector outputs');

  const detectorHeads = async (rgb: Uint8Array, width: number, height: number) => {
    const input = tf.tensor4d(Float32Array.from(rgb), [1, height, width, 3]); // human's input tensor is float
    const size = detectorResizeSize(width, height);
    const resized = tf.image.resizeBilinear(input, [size.height, size.width]);
    const cast = tf.cast(resized, 'int32');
    const [rawScores, rawBoxes] = (await detector.executeAsync(cast, DETECTOR_NODES)) as tf.Tensor[];
    const out = { scores: (await rawScores.data()) as Float32Array, boxes: (await rawBoxes.data()) as Float32Array };
    tf.dispose([input, resized, cast, rawScores, rawBoxes]);
    return out;
  };
  const landmarkHeads = (crop: Float32Array) =>
    tf.tidy(() => {
      const [score, kp, hd] = landmarker.execute(tf.tensor4d(crop, [1, LANDMARK_INPUT, LANDMARK_INPUT, 3]), ['Identity_1', 'Identity', 'Identity_2']) as tf.Tensor[];
      return { landmarks: kp.dataSync() as Float32Array, handflag: score.dataSync()[0], handedness: hd.dataSync()[0] };
    });

  const hands = async (rgb: Uint8Array, width: number, height: number): Promise<ReferenceHand[]> => {
    const maxDetected = 2, minConfidence = 0.5, iouThreshold = 0.2;
    const input = tf.tensor4d(Float32Array.from(rgb), [1, height, width, 3]);
    const size = detectorResizeSize(width, height);
    const t: Record<string, tf.Tensor> = {};
    t.resize = tf.image.resizeBilinear(input, [size.height, size.width]);
    t.cast = tf.cast(t.resize, 'int32');
    [t.rawScores, t.rawBoxes] = (await detector.executeAsync(t.cast, DETECTOR_NODES)) as tf.Tensor[];
    t.boxes = tf.squeeze(t.rawBoxes, [0, 2]);
    t.scores = tf.squeeze(t.rawScores, [0]);
    const classScores = tf.unstack(t.scores, 1);
    tf.dispose(classScores[FACE_CLASS]);
    classScores.splice(FACE_CLASS, 1);
    t.filtered = tf.stack(classScores, 1);
    tf.dispose(classScores);
    t.max = tf.max(t.filtered, 1);
    t.nms = await tf.image.nonMaxSuppressionAsync(t.boxes as tf.Tensor2D, t.max as tf.Tensor1D, maxDetected + 1, iouThreshold, minConfidence);
    const nms = Array.from(await t.nms.data());
    const scores = await t.max.data();
    const boxes = await t.boxes.data();
    const found: ReferenceHand[] = [];
    for (const a of nms) {
      const [y1, x1, y2, x2] = [boxes[4 * a], boxes[4 * a + 1], boxes[4 * a + 2], boxes[4 * a + 3]];
      const box = { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
      const crop = scaleBox(box, CROP_EXPAND);
      const cropT = tf.image.cropAndResize(input, [[crop.y, crop.x, crop.height + crop.y, crop.width + crop.x]], [0], [LANDMARK_INPUT, LANDMARK_INPUT], 'bilinear');
      const div = tf.div(cropT, tf.scalar(255));
      const cropInput = (await div.data()) as Float32Array;
      tf.dispose([cropT, div]);
      const lm = landmarkHeads(cropInput);
      const keypoints: Array<[number, number, number]> = [];
      for (let k = 0; k < 21; k++) {
        const kx = lm.landmarks[3 * k] / LANDMARK_INPUT, ky = lm.landmarks[3 * k + 1] / LANDMARK_INPUT;
        keypoints.push([width * (kx * crop.width + crop.x), height * (ky * crop.height + crop.y), lm.landmarks[3 * k + 2] || 0]);
      }
      found.push({ anchor: a, score: scores[a], box, crop, cropInput, ...lm, keypoints });
    }
    Object.values(t).forEach((x) => x.dispose());
    input.dispose();
    found.sort((p, q) => q.score - p.score);
    return found.slice(0, maxDetected);
  };
  return { detectorHeads, landmarkHeads, hands, version: d.version, dispose: () => (detector.dispose(), landmarker.dispose()) };
}

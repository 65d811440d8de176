/**
 * Hands: the handtrack SSD hand detector and MediaPipe's 21-point hand landmark model (lite),
 * both converted from the TF.js models in @vladmandic/human 3.3.6 (models/handtrack/,
 * models/handlandmark_lite/; see their PROVENANCE.md), on onnxruntime-node. The pipeline is
 * human's handtrack.ts run on every frame (no frame skipping or box caching): detector → best
 * non-face class, NMS, at most 2 boxes → each box grown 1.4x, cropped to 224x224 → landmarks
 * mapped back to frame pixels. Pure steps in hand-geometry.ts.
 *
 * Scores: `boxScore` is the detector's; `score` is the landmark model's hand-presence output
 * (handflag, a sigmoid, 0..1). human reports sigmoid(handflag) instead, which is never below 0.5;
 * this is the model's own value.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as ort from 'onnxruntime-node';
import { openSession, type GpuMode } from '../vision/onnx-session.js';
import {
  decodeDetections,
  DETECTOR_CLASSES,
  DETECTOR_INPUT,
  detectorInput,
  HAND_LANDMARK_NAMES,
  LANDMARK_INPUT,
  landmarkInput,
  landmarksToFrame,
  NUM_ANCHORS,
  pointsBox,
  type Box,
  type DetectedBox,
  type DetectorClass,
  type HandDetectOptions,
  type HandLandmarkName,
} from './hand-geometry.js';

export { HAND_LANDMARK_NAMES, type HandLandmarkName, type Box } from './hand-geometry.js';

export interface HandKeypoint {
  name: HandLandmarkName;
  /** Frame pixels (may fall slightly outside the frame when the crop passes an edge). */
  x: number;
  y: number;
  /** Relative depth in crop pixels of the 224 input (MediaPipe's z; wrist ≈ 0, negative = nearer the camera). */
  z: number;
}

export interface Hand {
  /** Hand presence from the landmark model (handflag sigmoid), 0..1. */
  score: number;
  /** Detector score of the box the crop came from. */
  boxScore: number;
  /** Detector class of that box (hand, fist, pinch, point, tip, pinchtip). */
  label: DetectorClass;
  /**
   * The landmark model's handedness output (sigmoid), 0..1, and its reading for unmirrored
   * camera footage: > 0.5 = the person's left hand. Measured, not from documentation: 0.81-0.97
   * on all 6 confident hands of human_task_47 (done "with left hand"), 0.05 on human_task_57's
   * right hand.
   */
  handednessScore: number;
  handedness: 'left' | 'right';
  /** Detector box and the (1.4x) crop the landmarks were read in, frame pixels. */
  box: Box;
  crop: Box;
  /** Bounding box of the 21 keypoints, frame pixels. */
  keypointBox: Box;
  keypoints: HandKeypoint[];
}

const MODELS = { detector: 'handtrack/handtrack.onnx', landmarks: 'handlandmark_lite/handlandmark_lite.onnx' };

/** The repo's models/ folder (from source or from a build under dist/). */
export function defaultHandModelDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '../../models'), join(here, '../../../models')];
  return candidates.find((p) => existsSync(join(p, MODELS.detector))) ?? candidates[0];
}

/** Handedness score → the person's hand in an unmirrored picture (see Hand.handednessScore). */
export const handednessOf = (p: number): 'left' | 'right' => (p > 0.5 ? 'left' : 'right');

export class HandDetector {
  private constructor(
    private readonly detector: ort.InferenceSession,
    private readonly landmarker: ort.InferenceSession,
    private readonly rt: typeof ort,
    readonly provider: 'cuda' | 'cpu',
    readonly providerReason: string,
    private readonly opts: HandDetectOptions,
  ) {}

  static async create(opts: { modelDir?: string; useGpu?: GpuMode; threads?: number } & HandDetectOptions = {}): Promise<HandDetector> {
    const dir = opts.modelDir ?? defaultHandModelDir();
    const paths = { detector: join(dir, MODELS.detector), landmarks: join(dir, MODELS.landmarks) };
    if (!existsSync(paths.detector)) throw new Error(`hand detector model not found at ${paths.detector}: rebuild it with node --import tsx models/convert-handtrack.ts (see models/handtrack/PROVENANCE.md)`);
    if (!existsSync(paths.landmarks)) throw new Error(`hand landmark model not found at ${paths.landmarks}: rebuild it with node --import tsx models/convert-handlandmark.ts (see models/handlandmark_lite/PROVENANCE.md)`);
    const d = await openSession(readFileSync(paths.detector), opts);
    const l = await openSession(readFileSync(paths.landmarks), opts);
    return new HandDetector(d.session, l.session, d.rt, d.provider, d.providerReason, { maxHands: opts.maxHands, minScore: opts.minScore, iouThreshold: opts.iouThreshold });
  }

  /** Detector outputs for one prepared [1,320,320,3] input (hand-geometry detectorInput). */
  async detectorHeads(input: Float32Array): Promise<{ scores: Float32Array; boxes: Float32Array }> {
    const out = await this.detector.run({ input: new this.rt.Tensor('float32', input, [1, DETECTOR_INPUT, DETECTOR_INPUT, 3]) });
    const scores = out.scores?.data as Float32Array | undefined, boxes = out.boxes?.data as Float32Array | undefined;
    if (!scores || scores.length !== NUM_ANCHORS * DETECTOR_CLASSES.length || !boxes || boxes.length !== NUM_ANCHORS * 4) throw new Error('hand detector output missing or of the wrong size');
    return { scores, boxes };
  }

  /** Landmark model outputs for one prepared [1,224,224,3] crop in [0,1]. */
  async landmarkHeads(crop: Float32Array): Promise<{ landmarks: Float32Array; handflag: number; handedness: number }> {
    const out = await this.landmarker.run({ input: new this.rt.Tensor('float32', crop, [1, LANDMARK_INPUT, LANDMARK_INPUT, 3]) });
    const landmarks = out.landmarks?.data as Float32Array | undefined;
    if (!landmarks || landmarks.length !== 63) throw new Error('hand landmark output missing or of the wrong size');
    return { landmarks, handflag: (out.handflag.data as Float32Array)[0], handedness: (out.handedness.data as Float32Array)[0] };
  }

  /** Detector boxes for a frame (fractions of the frame). */
  async detectBoxes(rgb: Uint8Array, width: number, height: number): Promise<DetectedBox[]> {
    const { scores, boxes } = await this.detectorHeads(detectorInput(rgb, width, height));
    return decodeDetections(scores, boxes, this.opts);
  }

  /** Hands in an RGB frame (width*height*3 bytes), at most maxHands (2), highest detector score first. */
  async detectHands(rgb: Uint8Array, width: number, height: number): Promise<Hand[]> {
    if (rgb.length !== width * height * 3) throw new Error(`detectHands: expected ${width * height * 3} RGB bytes, got ${rgb.length}`);
    const hands: Hand[] = [];
    for (const det of await this.detectBoxes(rgb, width, height)) {
      const lm = await this.landmarkHeads(landmarkInput(rgb, width, height, det.crop));
      const pts = landmarksToFrame(lm.landmarks, det.crop, width, height);
      const px = (b: Box): Box => ({ x: b.x * width, y: b.y * height, width: b.width * width, height: b.height * height });
      hands.push({
        score: lm.handflag,
        boxScore: det.score,
        label: det.label,
        handednessScore: lm.handedness,
        handedness: handednessOf(lm.handedness),
        box: px(det.box),
        crop: px(det.crop),
        keypointBox: pointsBox(pts),
        keypoints: pts.map(([x, y, z], k) => ({ name: HAND_LANDMARK_NAMES[k], x, y, z })),
      });
    }
    return hands;
  }

  async dispose(): Promise<void> {
    await this.detector.release();
    await this.landmarker.release();
  }
}

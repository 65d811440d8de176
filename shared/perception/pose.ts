/**
 * Body pose: MoveNet SinglePose Lightning (models/movenet_lightning/, converted from the TF.js
 * model in @vladmandic/human; see its PROVENANCE.md) on onnxruntime-node, decode in
 * movenet-decode.ts. One person per frame: the one nearest the frame centre.
 *
 * Preprocessing follows @vladmandic/human's movenet: pad the frame to a centred square with
 * black, resize bilinearly to 192x192, truncate to integers (the TF.js model takes int32).
 * Keypoints come back as fractions of the frame given (letterbox undone); pass the registered
 * frame to get registered-frame coordinates.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as ort from 'onnxruntime-node';
import { frameToTensor, letterboxRect, type PixelTransform } from '../vision/frame.js';
import { openSession, type GpuMode } from '../vision/onnx-session.js';
import { decodeMovenet, GRID, NUM_KEYPOINTS } from './movenet-decode.js';

/** MoveNet's keypoint order (COCO). */
export const KEYPOINT_NAMES = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
] as const;
export type KeypointName = (typeof KEYPOINT_NAMES)[number];

export interface Keypoint {
  name: KeypointName;
  /** Fractions of the input frame's width / height (0..1 inside the frame; may fall slightly outside). */
  x: number;
  y: number;
  /** Heatmap value at the keypoint, 0..1. */
  score: number;
}

export interface Pose {
  keypoints: Keypoint[];
  /** Mean keypoint score: how sure the model is that a whole person is there. */
  score: number;
}

const INPUT = 192;
const MODEL_REL = 'models/movenet_lightning/movenet_lightning.onnx';
/** Raw 0..255 values (frameToTensor divides by 255*std). */
const RAW_BYTES: PixelTransform = { mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] };

export function defaultPoseModelPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '../..', MODEL_REL), join(here, '../../..', MODEL_REL)];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

/** The 192x192 model input for a frame, and the letterbox it was drawn into. */
export function movenetInput(rgb: Uint8Array, width: number, height: number): { tensor: Float32Array; dest: ReturnType<typeof letterboxRect> } {
  const dest = letterboxRect(width, height, INPUT, INPUT);
  const tensor = new Float32Array(INPUT * INPUT * 3);
  frameToTensor({ width, height, data: rgb }, tensor, 0, INPUT, INPUT, { layout: 'NHWC', transform: RAW_BYTES, dest, padValue: 0 });
  for (let i = 0; i < tensor.length; i++) tensor[i] = Math.trunc(tensor[i]);
  return { tensor, dest };
}

/** Model output [y, x, score] x 17 (input fractions) → keypoints in frame fractions. */
export function toFramePose(raw: Float32Array, dest: { x: number; y: number; w: number; h: number }): Pose {
  const keypoints = KEYPOINT_NAMES.map((name, k) => ({
    name,
    x: (raw[3 * k + 1] * INPUT - dest.x) / dest.w,
    y: (raw[3 * k] * INPUT - dest.y) / dest.h,
    score: raw[3 * k + 2],
  }));
  return { keypoints, score: keypoints.reduce((a, k) => a + k.score, 0) / keypoints.length };
}

export class PoseDetector {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly rt: typeof ort,
    /** Execution provider used, and why. */
    readonly provider: 'cuda' | 'cpu',
    readonly providerReason: string,
  ) {}

  static async create(opts: { modelPath?: string; useGpu?: GpuMode; threads?: number } = {}): Promise<PoseDetector> {
    const path = opts.modelPath ?? defaultPoseModelPath();
    if (!existsSync(path)) throw new Error(`pose model not found at ${path}: rebuild it with node --import tsx models/convert-movenet.ts (see models/movenet_lightning/PROVENANCE.md)`);
    const { session, rt, provider, providerReason } = await openSession(readFileSync(path), opts);
    return new PoseDetector(session, rt, provider, providerReason);
  }

  /** The four heads for one prepared 192x192 input (exposed for the conversion check). */
  async heads(tensor: Float32Array) {
    const out = await this.session.run({ input: new this.rt.Tensor('float32', tensor, [1, INPUT, INPUT, 3]) });
    const get = (n: string, c: number) => {
      const d = out[n]?.data as Float32Array | undefined;
      if (!d || d.length !== GRID * GRID * c) throw new Error(`pose model output ${n} missing or of the wrong size`);
      return d;
    };
    return { heatmap: get('heatmap', NUM_KEYPOINTS), center: get('center', 1), regress: get('regress', 2 * NUM_KEYPOINTS), offset: get('offset', 2 * NUM_KEYPOINTS) };
  }

  /** 17 keypoints of the person nearest the frame centre; rgb is width*height*3 bytes, RGB. */
  async detectPose(rgb: Uint8Array, width: number, height: number): Promise<Pose> {
    const { tensor, dest } = movenetInput(rgb, width, height);
    return toFramePose(decodeMovenet(await this.heads(tensor)), dest);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

let shared: Promise<PoseDetector> | null = null;

/** detectPose on a detector loaded once per process (default model, provider 'auto'). */
export async function detectPose(rgb: Uint8Array, width: number, height: number): Promise<Pose> {
  shared ??= PoseDetector.create().catch((e) => {
    shared = null; // let a later call retry (e.g. after the model file is rebuilt)
    throw e;
  });
  return (await shared).detectPose(rgb, width, height);
}

/**
 * Face detection with MediaPipe BlazeFace (back-camera 256x256 model, ONNX, shipped in
 * models/blazeface/). The model outputs raw logits and box/keypoint regressors for 896
 * anchors (16x16 cells x 2 + 8x8 cells x 6); decoding and overlap merging are done here,
 * following keijiro's reference (Postprocess1/2 compute shaders): sigmoid score, centre =
 * anchor centre + offset/256, size = regressor/256, then weighted merge of boxes with IoU >= 0.3.
 */
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { frameToTensor, letterboxRect, SIGNED_RANGE, type Frame } from './frame.js';

/** Box in normalised frame coordinates (0..1, y down), with keypoints (eyes, nose, mouth, ears). */
export interface FaceBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  score: number;
  keypoints: Array<[number, number]>;
}

export interface FaceDetectOptions {
  /** Minimum sigmoid score. Default 0.5 (privacy use favours recall; the reference uses 0.75). */
  scoreThreshold?: number;
  /** Boxes overlapping at least this IoU are merged (score-weighted mean). Default 0.3. */
  iouThreshold?: number;
  /** Keep at most this many faces (highest scores). Default 64. */
  maxFaces?: number;
}

interface Det {
  cx: number;
  cy: number;
  w: number;
  h: number;
  kp: number[]; // 12 values
  score: number;
}

const INPUT = 256;

export function defaultFaceModelPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const rel = 'models/blazeface/face_detection_back_256x256_barracuda.onnx';
  const candidates = [join(here, '../..', rel), join(here, '../../..', rel)];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Decodes one anchor grid (cells x cells, `perCell` anchors per cell, anchor index =
 * (row*cells + col)*perCell + a) into detections above `threshold`, in input-normalised coords.
 */
export function decodeAnchors(scores: Float32Array, boxes: Float32Array, cells: number, perCell: number, threshold: number, inputSize = INPUT): Det[] {
  const out: Det[] = [];
  const n = cells * cells * perCell;
  if (scores.length !== n || boxes.length !== n * 16) throw new Error(`anchor grid ${cells}x${cells}x${perCell}: got ${scores.length} scores / ${boxes.length} box values`);
  const logit = Math.log(threshold / (1 - threshold)); // compare logits: skips exp for most anchors
  for (let i = 0; i < n; i++) {
    if (!(scores[i] > logit)) continue;
    const cell = Math.floor(i / perCell);
    const ax = ((cell % cells) + 0.5) / cells;
    const ay = (Math.floor(cell / cells) + 0.5) / cells;
    const b = i * 16;
    const kp: number[] = [];
    for (let k = 0; k < 6; k++) kp.push(ax + boxes[b + 4 + 2 * k] / inputSize, ay + boxes[b + 5 + 2 * k] / inputSize);
    out.push({ cx: ax + boxes[b] / inputSize, cy: ay + boxes[b + 1] / inputSize, w: boxes[b + 2] / inputSize, h: boxes[b + 3] / inputSize, kp, score: sigmoid(scores[i]) });
  }
  return out;
}

function iou(a: Det, b: Det): number {
  const ix = Math.max(0, Math.min(a.cx + a.w / 2, b.cx + b.w / 2) - Math.max(a.cx - a.w / 2, b.cx - b.w / 2));
  const iy = Math.max(0, Math.min(a.cy + a.h / 2, b.cy + b.h / 2) - Math.max(a.cy - a.h / 2, b.cy - b.h / 2));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** Weighted NMS: highest-score first, each cluster (IoU >= threshold) averaged by score; keeps the max score. */
export function weightedNms(dets: Det[], iouThreshold: number): Det[] {
  const rest = [...dets].sort((a, b) => b.score - a.score);
  const out: Det[] = [];
  while (rest.length > 0) {
    const top = rest[0];
    const cluster: Det[] = [];
    const keep: Det[] = [];
    for (const d of rest) (iou(top, d) >= iouThreshold ? cluster : keep).push(d);
    let s = 0;
    const m = { cx: 0, cy: 0, w: 0, h: 0, kp: new Array<number>(12).fill(0), score: top.score };
    for (const d of cluster) {
      s += d.score;
      m.cx += d.cx * d.score;
      m.cy += d.cy * d.score;
      m.w += d.w * d.score;
      m.h += d.h * d.score;
      for (let k = 0; k < 12; k++) m.kp[k] += d.kp[k] * d.score;
    }
    m.cx /= s;
    m.cy /= s;
    m.w /= s;
    m.h /= s;
    for (let k = 0; k < 12; k++) m.kp[k] /= s;
    out.push(m);
    rest.length = 0;
    rest.push(...keep);
  }
  return out;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

export class FaceDetector {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async create(opts: { modelPath?: string; threads?: number } = {}): Promise<FaceDetector> {
    const session = await ort.InferenceSession.create(opts.modelPath ?? defaultFaceModelPath(), {
      logSeverityLevel: 3,
      graphOptimizationLevel: 'all',
      intraOpNumThreads: opts.threads ?? availableParallelism(),
      executionProviders: ['cpu'],
    });
    const shape = (session.inputMetadata[0] as { shape?: ReadonlyArray<number | string> }).shape;
    if (!shape || shape[1] !== INPUT || shape[2] !== INPUT || shape[3] !== 3) throw new Error(`unexpected BlazeFace input shape [${shape?.join(',')}], expected [1,256,256,3]`);
    return new FaceDetector(session);
  }

  /** Faces in `frame` (letterboxed to 256x256, so non-square frames keep their aspect ratio). */
  async detect(frame: Frame, opts: FaceDetectOptions = {}): Promise<FaceBox[]> {
    const threshold = opts.scoreThreshold ?? 0.5;
    const dest = letterboxRect(frame.width, frame.height, INPUT, INPUT);
    const x = new Float32Array(INPUT * INPUT * 3);
    frameToTensor(frame, x, 0, INPUT, INPUT, { layout: 'NHWC', transform: SIGNED_RANGE, dest, padValue: 0 });
    const out = await this.session.run({ [this.session.inputNames[0]]: new ort.Tensor('float32', x, [1, INPUT, INPUT, 3]) });
    // Outputs by shape: [1,512,1] scores + [1,512,16] boxes (16x16x2), [1,384,1] + [1,384,16] (8x8x6).
    const byShape = (n: number, last: number) => {
      const t = Object.values(out).find((v) => v.dims[1] === n && v.dims[2] === last);
      if (!t) throw new Error(`BlazeFace output [1,${n},${last}] missing`);
      return t.data as Float32Array;
    };
    const dets = [
      ...decodeAnchors(byShape(512, 1), byShape(512, 16), 16, 2, threshold),
      ...decodeAnchors(byShape(384, 1), byShape(384, 16), 8, 6, threshold),
    ];
    const merged = weightedNms(dets, opts.iouThreshold ?? 0.3).slice(0, opts.maxFaces ?? 64);
    // Undo the letterbox: input-normalised -> frame-normalised.
    const fx = (v: number) => clamp01((v * INPUT - dest.x) / dest.w);
    const fy = (v: number) => clamp01((v * INPUT - dest.y) / dest.h);
    return merged
      .map((d) => ({
        x0: fx(d.cx - d.w / 2),
        y0: fy(d.cy - d.h / 2),
        x1: fx(d.cx + d.w / 2),
        y1: fy(d.cy + d.h / 2),
        score: d.score,
        keypoints: Array.from({ length: 6 }, (_, k) => [fx(d.kp[2 * k]), fy(d.kp[2 * k + 1])] as [number, number]),
      }))
      .filter((b) => b.x1 > b.x0 && b.y1 > b.y0);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Pure pre/post-processing for the hand detector (handtrack SSD) and the MediaPipe hand landmark
 * model, step for step as @vladmandic/human 3.3.6 does it in src/hand/handtrack.ts on its tfjs
 * CPU backend (the kernels replicated here: resizeBilinear without align_corners / half-pixel
 * centres, cropAndResize bilinear with extrapolation 0, nonMaxSuppression). No I/O; hands.ts runs
 * the models.
 *
 * Conventions: images are NHWC, RGB, row-major; boxes from the detector are [ymin, xmin, ymax,
 * xmax] fractions of the image (TF order), boxes returned are { x, y, width, height }.
 */

/** Detector input side (the TF graph's own resize target). */
export const DETECTOR_INPUT = 320;
/** The detector's in-graph scaling, x * (2/255) - 1, with the float32 constants of the graph. */
export const DETECTOR_PRE_SCALE = Math.fround(2 / 255);
export const DETECTOR_PRE_SHIFT = 1;
/** human caps the detector's first resize at this height. */
export const DETECTOR_MAX_RESOLUTION = 512;
export const LANDMARK_INPUT = 224;
/** The detector's classes after the background (human's `classes`). */
export const DETECTOR_CLASSES = ['hand', 'fist', 'pinch', 'point', 'face', 'tip', 'pinchtip'] as const;
export type DetectorClass = (typeof DETECTOR_CLASSES)[number];
export const FACE_CLASS = 4;
export const NUM_ANCHORS = 12804;
/** human's detectorExpandFact: the detector box is grown by this before the landmark crop. */
export const CROP_EXPAND = 1.4;

/** MediaPipe's 21 hand landmarks. */
export const HAND_LANDMARK_NAMES = [
  'wrist',
  'thumb_cmc',
  'thumb_mcp',
  'thumb_ip',
  'thumb_tip',
  'index_mcp',
  'index_pip',
  'index_dip',
  'index_tip',
  'middle_mcp',
  'middle_pip',
  'middle_dip',
  'middle_tip',
  'ring_mcp',
  'ring_pip',
  'ring_dip',
  'ring_tip',
  'pinky_mcp',
  'pinky_pip',
  'pinky_dip',
  'pinky_tip',
] as const;
export type HandLandmarkName = (typeof HAND_LANDMARK_NAMES)[number];

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * tfjs-backend-cpu resizeBilinear (alignCorners false, halfPixelCenters false: TF's legacy
 * asymmetric mapping, source = dest * in/out, neighbours clamped to the last row/column).
 * Output float32, as tfjs's kernel writes it.
 */
export function resizeBilinearLegacy(src: ArrayLike<number>, width: number, height: number, channels: number, outWidth: number, outHeight: number): Float32Array {
  const out = new Float32Array(outWidth * outHeight * channels);
  const rowRatio = height / outHeight, colRatio = width / outWidth;
  const colFloor = new Int32Array(outWidth), colCeil = new Int32Array(outWidth), colFrac = new Float64Array(outWidth);
  for (let c = 0; c < outWidth; c++) {
    const f = colRatio * c;
    colFloor[c] = Math.max(0, Math.floor(f));
    colFrac[c] = f - colFloor[c];
    colCeil[c] = Math.min(width - 1, Math.ceil(f));
  }
  let o = 0;
  for (let r = 0; r < outHeight; r++) {
    const f = rowRatio * r;
    const r0 = Math.max(0, Math.floor(f));
    const rf = f - r0;
    const r1 = Math.min(height - 1, Math.ceil(f));
    const top = r0 * width * channels, bot = r1 * width * channels;
    for (let c = 0; c < outWidth; c++) {
      const l = colFloor[c] * channels, rr = colCeil[c] * channels, cf = colFrac[c];
      for (let d = 0; d < channels; d++) {
        const tl = src[top + l + d], tr = src[top + rr + d], bl = src[bot + l + d], br = src[bot + rr + d];
        const t = tl + (tr - tl) * cf;
        const b = bl + (br - bl) * cf;
        out[o++] = t + (b - t) * rf;
      }
    }
  }
  return out;
}

/** human's first resize of the frame before the detector: height rounded to 8 (at most 512), width to keep the ratio. */
export function detectorResizeSize(width: number, height: number): { width: number; height: number } {
  const ratio = width / height;
  const h = Math.min(Math.round(height / 8) * 8, DETECTOR_MAX_RESOLUTION);
  return { width: Math.round((h * ratio) / 8) * 8, height: h };
}

/**
 * The detector's input for an RGB frame: human's resize (frame → detectorResizeSize, cast to
 * int32) then the graph's own preprocessing loop (x * 2/255 - 1 in float32, resize to 320x320),
 * which the ONNX model starts after. [1,320,320,3] NHWC.
 */
export function detectorInput(rgb: Uint8Array, width: number, height: number): Float32Array {
  const size = detectorResizeSize(width, height);
  let ints: ArrayLike<number> = rgb;
  if (size.width !== width || size.height !== height) {
    const r = resizeBilinearLegacy(rgb, width, height, 3, size.width, size.height);
    const t = new Int32Array(r.length);
    for (let i = 0; i < r.length; i++) t[i] = Math.trunc(r[i]); // tf.cast(float → int32) truncates
    ints = t;
  }
  const scaled = new Float32Array(size.width * size.height * 3);
  // the graph casts to uint8 → float, then mul and sub, each rounded to float32
  for (let i = 0; i < scaled.length; i++) scaled[i] = Math.fround(Math.fround(DETECTOR_PRE_SCALE * (ints[i] & 255)) - DETECTOR_PRE_SHIFT);
  return resizeBilinearLegacy(scaled, size.width, size.height, 3, DETECTOR_INPUT, DETECTOR_INPUT);
}

export interface ClassScores {
  /** Best non-face class score per anchor. */
  score: Float32Array;
  /** Its class index into DETECTOR_CLASSES. */
  label: Uint8Array;
}

/** Per anchor: the max over the classes except face, and which class (human drops the face class before max/argMax). */
export function bestClassScores(scores: Float32Array, numClasses = DETECTOR_CLASSES.length): ClassScores {
  const n = scores.length / numClasses;
  const score = new Float32Array(n), label = new Uint8Array(n);
  for (let a = 0; a < n; a++) {
    let best = -Infinity, arg = 0;
    for (let c = 0; c < numClasses; c++) {
      if (c === FACE_CLASS) continue;
      const v = scores[a * numClasses + c];
      if (v > best) {
        best = v;
        arg = c;
      }
    }
    score[a] = best;
    label[a] = arg;
  }
  return { score, label };
}

/** tfjs's intersectionOverUnion for [y1,x1,y2,x2] boxes (either corner order). */
export function iou(boxes: ArrayLike<number>, i: number, j: number): number {
  const a = (k: number) => boxes[i * 4 + k], b = (k: number) => boxes[j * 4 + k];
  const yminI = Math.min(a(0), a(2)), xminI = Math.min(a(1), a(3)), ymaxI = Math.max(a(0), a(2)), xmaxI = Math.max(a(1), a(3));
  const yminJ = Math.min(b(0), b(2)), xminJ = Math.min(b(1), b(3)), ymaxJ = Math.max(b(0), b(2)), xmaxJ = Math.max(b(1), b(3));
  const areaI = (ymaxI - yminI) * (xmaxI - xminI), areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
  if (areaI <= 0 || areaJ <= 0) return 0;
  const inter = Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0) * Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0);
  return inter / (areaI + areaJ - inter);
}

/**
 * tf.image.nonMaxSuppression (hard NMS): candidates with score > scoreThreshold, highest first
 * (ties: lower index first), dropped when IoU ≥ iouThreshold with one already kept.
 */
export function nonMaxSuppression(boxes: ArrayLike<number>, scores: ArrayLike<number>, maxOutput: number, iouThreshold: number, scoreThreshold: number): number[] {
  const cand: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] > scoreThreshold) cand.push(i);
  cand.sort((a, b) => scores[b] - scores[a] || a - b);
  const kept: number[] = [];
  for (const i of cand) {
    if (kept.length >= maxOutput) break;
    if (kept.every((j) => iou(boxes, i, j) < iouThreshold)) kept.push(i);
  }
  return kept;
}

/** human's box.scale: grow a box about its centre. */
export function scaleBox(b: Box, factor: number): Box {
  const w = b.width * factor, h = b.height * factor;
  return { x: b.x - (w - b.width) / 2, y: b.y - (h - b.height) / 2, width: w, height: h };
}

export interface DetectedBox {
  /** Anchor index the box came from. */
  anchor: number;
  score: number;
  label: DetectorClass;
  /** Detector box, fractions of the frame. */
  box: Box;
  /** The landmark crop: box grown by CROP_EXPAND, fractions of the frame (may pass the edges). */
  crop: Box;
}

export interface HandDetectOptions {
  /** At most this many hands (default 2). */
  maxHands?: number;
  /** Detector score a box must pass (default 0.5, human's hand.minConfidence). */
  minScore?: number;
  /** NMS IoU (default 0.2, human's hand.iouThreshold). */
  iouThreshold?: number;
}

/**
 * Detector outputs → hand boxes, as human's detectHands: best non-face class per anchor, NMS
 * keeping maxHands + 1, sorted by score, cut to maxHands; each box grown by 1.4 for the crop.
 * (human labels boxes with DETECTOR_CLASSES[argmax over the face-less list], which names classes
 * after the face one wrongly; here the label is the class the score belongs to.)
 */
export function decodeDetections(scores: Float32Array, boxes: Float32Array, opts: HandDetectOptions = {}): DetectedBox[] {
  const maxHands = opts.maxHands ?? 2, minScore = opts.minScore ?? 0.5, iouT = opts.iouThreshold ?? 0.2;
  const best = bestClassScores(scores);
  const keep = nonMaxSuppression(boxes, best.score, maxHands + 1, iouT, minScore);
  const out = keep.map((a) => {
    const [y1, x1, y2, x2] = [boxes[4 * a], boxes[4 * a + 1], boxes[4 * a + 2], boxes[4 * a + 3]];
    const box = { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
    return { anchor: a, score: best.score[a], label: DETECTOR_CLASSES[best.label[a]], box, crop: scaleBox(box, CROP_EXPAND) };
  });
  out.sort((a, b) => b.score - a.score);
  return out.slice(0, maxHands);
}

/**
 * tfjs-backend-cpu cropAndResize, bilinear, extrapolation 0, for one box [y1,x1,y2,x2]
 * (fractions; rounded to float32 as the box tensor holds them), then / 255 as human does:
 * the landmark model's [1,size,size,3] input in [0,1].
 */
export function landmarkInput(rgb: ArrayLike<number>, width: number, height: number, crop: Box, size = LANDMARK_INPUT): Float32Array {
  const f = Math.fround;
  const y1 = f(crop.y), x1 = f(crop.x), y2 = f(crop.y + crop.height), x2 = f(crop.x + crop.width);
  const out = new Float32Array(size * size * 3);
  const hs = ((y2 - y1) * (height - 1)) / (size - 1), ws = ((x2 - x1) * (width - 1)) / (size - 1);
  for (let y = 0; y < size; y++) {
    const yi = y1 * (height - 1) + y * hs;
    if (yi < 0 || yi > height - 1) continue; // extrapolation value 0
    const top = Math.floor(yi), bot = Math.ceil(yi), yl = yi - top;
    for (let x = 0; x < size; x++) {
      const xi = x1 * (width - 1) + x * ws;
      if (xi < 0 || xi > width - 1) continue;
      const l = Math.floor(xi), r = Math.ceil(xi), xl = xi - l;
      for (let c = 0; c < 3; c++) {
        const tl = rgb[(top * width + l) * 3 + c], tr = rgb[(top * width + r) * 3 + c];
        const bl = rgb[(bot * width + l) * 3 + c], br = rgb[(bot * width + r) * 3 + c];
        const t = tl + (tr - tl) * xl, b = bl + (br - bl) * xl;
        const v = f(t + (b - t) * yl); // the crop tensor is float32
        out[(y * size + x) * 3 + c] = f(v / 255);
      }
    }
  }
  return out;
}

/**
 * Landmark model output (21 x (x, y, z), crop pixels of the 224 input) → frame pixels, as human:
 * x_frame = width * (x / 224 * crop.width + crop.x), likewise y; z is passed through (crop
 * pixels, relative depth, wrist ≈ 0).
 */
export function landmarksToFrame(raw: ArrayLike<number>, crop: Box, width: number, height: number, size = LANDMARK_INPUT): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let k = 0; k < HAND_LANDMARK_NAMES.length; k++) {
    const x = raw[3 * k], y = raw[3 * k + 1], z = raw[3 * k + 2];
    out.push([width * ((x / size) * crop.width + crop.x), height * ((y / size) * crop.height + crop.y), z || 0]);
  }
  return out;
}

/** Bounding box of points (human's box.calc), same units as the points. */
export function pointsBox(points: Array<[number, number, number]>): Box {
  const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
  const x = Math.min(...xs), y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/**
 * ONNX clip embedder on onnxruntime-node. Supports
 * - image backbones, input [N,H,W,3] (NHWC) or [N,3,H,W] (NCHW): each frame embedded once,
 *   clip vector = order-sensitive pooling of frame features (poolClipFeatures);
 * - video backbones, input [N,T,3,H,W], [N,3,T,H,W] or [N,T,H,W,3]: one forward per clip
 *   (clip frames resampled evenly to T when T is fixed).
 * Outputs [N,D], [N,L,D] (mean over L) or [N,D,h,w] (mean over h,w) are reduced to [N,D].
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as ort from 'onnxruntime-node';
import { openSession, type GpuMode } from './onnx-session.js';
import { frameToTensor, UNIT_RANGE, type Frame, type PixelTransform, type TensorLayout } from './frame.js';
import { l2normalize, poolClipFeatures, type ClipPooling, type FrameFeatureEmbedder } from './embedder.js';

export { cudaProviderInstalled, type GpuMode } from './onnx-session.js';

export type InputLayout = 'NHWC' | 'NCHW' | 'NTCHW' | 'NCTHW' | 'NTHWC';

export interface OnnxEmbedderOptions {
  /** Model file. Default: the shipped MobileNetV2 features model (defaultModelPath()). */
  modelPath?: string;
  /** Frames (image model) per forward pass. Default 8 on CPU (larger batches were no faster on a 2-core EPYC, only bigger), 128 on CUDA. Video models: clips per pass = max(1, floor(batchSize / T)). */
  batchSize?: number;
  /** 'auto': CUDA when its provider library is installed, else CPU; 'true': CUDA or throw; 'false': CPU. Default 'auto'. */
  useGpu?: GpuMode;
  /** Intra-op threads. Default: available cores. */
  threads?: number;
  /** Pixel normalisation after scaling to [0,1]. Default none (mean 0, std 1), as the shipped model expects. */
  transform?: PixelTransform;
  /** Bilinear resize convention; the shipped model was fed align_corners=true by nsfwjs. Default true. */
  alignCorners?: boolean;
  /** Used when the model's H/W are symbolic. Default 224. */
  inputSize?: number;
  /** Image models: clip pooling ('concat' → dim 2D, 'ramp' → dim D). Default 'concat'. */
  pooling?: ClipPooling;
  /** Weight of the motion term in clip pooling. Default 0.5 (appearance dominates; order still counts). */
  motionWeight?: number;
}

interface InputSpec {
  name: string;
  layout: InputLayout;
  h: number;
  w: number;
  /** Fixed T for video models, or null when symbolic. */
  t: number | null;
  /** Fixed batch size (e.g. 1) or null when dynamic. */
  fixedBatch: number | null;
}

const SHIPPED_MODEL_REL = 'models/mobilenet_v2/mobilenet_v2_features.onnx';

/** Path of the shipped model, from the source tree or from the compiled dist/ tree. */
export function defaultModelPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '../..', SHIPPED_MODEL_REL), join(here, '../../..', SHIPPED_MODEL_REL)];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

export function parseInputSpec(meta: readonly ort.InferenceSession.ValueMetadata[], inputSize: number): InputSpec {
  const m = meta[0];
  if (!m || !m.isTensor) throw new Error('model has no tensor input');
  if (m.type !== 'float32') throw new Error(`model input ${m.name} is ${m.type}; only float32 inputs are supported`);
  const shape = m.shape;
  const num = (d: number | string | undefined) => (typeof d === 'number' && d > 0 ? d : null);
  const is3 = (d: number | string | undefined) => d === 3;
  let layout: InputLayout;
  let hIdx: number, wIdx: number, tIdx = -1;
  if (shape.length === 4) {
    if (is3(shape[3])) [layout, hIdx, wIdx] = ['NHWC', 1, 2];
    else if (is3(shape[1])) [layout, hIdx, wIdx] = ['NCHW', 2, 3];
    else throw new Error(`cannot tell the channel axis of input shape [${shape.join(',')}] (expected a 3)`);
  } else if (shape.length === 5) {
    if (is3(shape[2])) [layout, tIdx, hIdx, wIdx] = ['NTCHW', 1, 3, 4];
    else if (is3(shape[1])) [layout, tIdx, hIdx, wIdx] = ['NCTHW', 2, 3, 4];
    else if (is3(shape[4])) [layout, tIdx, hIdx, wIdx] = ['NTHWC', 1, 2, 3];
    else throw new Error(`cannot tell the channel axis of video input shape [${shape.join(',')}] (expected a 3)`);
  } else throw new Error(`unsupported input rank ${shape.length} ([${shape.join(',')}]); expected 4 (image) or 5 (video)`);
  return {
    name: m.name,
    layout,
    h: num(shape[hIdx]) ?? inputSize,
    w: num(shape[wIdx]) ?? inputSize,
    t: tIdx >= 0 ? num(shape[tIdx]) : null,
    fixedBatch: num(shape[0]),
  };
}

/** Reduces a model output to one D-vector per batch item. */
function outputRows(t: ort.Tensor): Float32Array[] {
  if (t.type !== 'float32') throw new Error(`model output is ${t.type}; expected float32`);
  const data = t.data as Float32Array;
  const dims = t.dims.map(Number);
  const n = dims[0];
  const rows: Float32Array[] = [];
  if (dims.length === 2) {
    for (let i = 0; i < n; i++) rows.push(data.slice(i * dims[1], (i + 1) * dims[1]));
  } else if (dims.length === 3) {
    const [, l, d] = dims; // [N, tokens, D]: mean over tokens
    for (let i = 0; i < n; i++) {
      const r = new Float32Array(d);
      for (let j = 0; j < l; j++) for (let k = 0; k < d; k++) r[k] += data[(i * l + j) * d + k] / l;
      rows.push(r);
    }
  } else if (dims.length === 4) {
    const [, d, hh, ww] = dims; // [N, D, h, w]: spatial mean
    const s = hh * ww;
    for (let i = 0; i < n; i++) {
      const r = new Float32Array(d);
      for (let k = 0; k < d; k++) {
        let acc = 0;
        for (let j = 0; j < s; j++) acc += data[(i * d + k) * s + j];
        r[k] = acc / s;
      }
      rows.push(r);
    }
  } else throw new Error(`unsupported output shape [${dims.join(',')}]`);
  return rows;
}

export class OnnxClipEmbedder implements FrameFeatureEmbedder {
  readonly name: string;
  readonly version: string;
  dim = 0;
  frameDim = 0;
  readonly kind: 'image' | 'video';
  /** Execution provider actually used, and why. */
  readonly provider: 'cuda' | 'cpu';
  readonly providerReason: string;
  readonly batchSize: number;
  readonly input: InputSpec;
  private readonly outputName: string;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly rt: typeof ort,
    meta: { name: string; version: string; provider: 'cuda' | 'cpu'; providerReason: string; input: InputSpec; batchSize: number },
    private readonly opts: OnnxEmbedderOptions,
  ) {
    this.name = meta.name;
    this.version = meta.version;
    this.provider = meta.provider;
    this.providerReason = meta.providerReason;
    this.input = meta.input;
    this.kind = meta.input.layout.length === 5 ? 'video' : 'image';
    this.batchSize = meta.batchSize;
    this.outputName = session.outputNames[0];
  }

  static async create(opts: OnnxEmbedderOptions = {}): Promise<OnnxClipEmbedder> {
    const modelPath = opts.modelPath ?? defaultModelPath();
    const bytes = readFileSync(modelPath); // throws ENOENT with the path: good enough as a reason
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    // onnxruntime-node is imported inside openSession: a missing/broken binding is a create() error createEmbedder('auto') can fall back from.
    const { session, rt, provider, providerReason } = await openSession(bytes, { useGpu: opts.useGpu, threads: opts.threads });
    const input = parseInputSpec(session.inputMetadata, opts.inputSize ?? 224);
    let batchSize = opts.batchSize ?? (provider === 'cuda' ? 128 : 8);
    if (!(batchSize >= 1)) throw new Error(`batchSize must be >= 1, got ${batchSize}`);
    if (input.fixedBatch !== null) batchSize = input.fixedBatch;
    const e = new OnnxClipEmbedder(session, rt, { name: `onnx:${basename(modelPath)}`, version: hash, provider, providerReason, input, batchSize }, opts);
    await e.probeDims();
    return e;
  }

  /** Runs one blank input to learn D (outputs may have symbolic dims). */
  private async probeDims(): Promise<void> {
    const blank: Frame = { width: this.input.w, height: this.input.h, data: new Uint8Array(this.input.w * this.input.h * 3) };
    const t = this.input.t ?? 2;
    const rows = this.kind === 'image' ? await this.forwardImages([blank]) : await this.forwardClips([Array(t).fill(blank)]);
    const d = rows[0].length;
    this.frameDim = this.kind === 'image' ? d : 0;
    this.dim = this.kind === 'image' && (this.opts.pooling ?? 'concat') === 'concat' ? 2 * d : d;
  }

  private fill(frame: Frame, out: Float32Array, offset: number, layout: TensorLayout): void {
    frameToTensor(frame, out, offset, this.input.w, this.input.h, { layout, transform: this.opts.transform ?? UNIT_RANGE, alignCorners: this.opts.alignCorners ?? true });
  }

  private async forwardImages(frames: Frame[]): Promise<Float32Array[]> {
    const { h, w, layout, name } = this.input;
    const per = h * w * 3;
    const x = new Float32Array(frames.length * per);
    frames.forEach((f, i) => this.fill(f, x, i * per, layout as TensorLayout));
    const dims = layout === 'NHWC' ? [frames.length, h, w, 3] : [frames.length, 3, h, w];
    const out = await this.session.run({ [name]: new this.rt.Tensor('float32', x, dims) });
    return outputRows(out[this.outputName]);
  }

  private async forwardClips(clips: Frame[][]): Promise<Float32Array[]> {
    const { h, w, layout, name } = this.input;
    const t = this.input.t ?? clips[0].length;
    const per = h * w * 3;
    const x = new Float32Array(clips.length * t * per);
    const tmp = layout === 'NCTHW' ? new Float32Array(per) : null;
    clips.forEach((clip, n) => {
      if (this.input.t === null && clip.length !== t) throw new Error(`video model with symbolic T: all clips in a batch need the same length (${clip.length} vs ${t})`);
      for (let j = 0; j < t; j++) {
        // Resample the clip evenly onto the model's T frames.
        const f = clip[t === 1 ? 0 : Math.round((j * (clip.length - 1)) / (t - 1))];
        const off = (n * t + j) * per;
        if (layout === 'NTCHW') this.fill(f, x, off, 'NCHW');
        else if (layout === 'NTHWC') this.fill(f, x, off, 'NHWC');
        else {
          this.fill(f, tmp!, 0, 'NCHW');
          const plane = h * w;
          for (let c = 0; c < 3; c++) x.set(tmp!.subarray(c * plane, (c + 1) * plane), ((n * 3 + c) * t + j) * plane);
        }
      }
    });
    const dims = layout === 'NTCHW' ? [clips.length, t, 3, h, w] : layout === 'NTHWC' ? [clips.length, t, h, w, 3] : [clips.length, 3, t, h, w];
    const out = await this.session.run({ [name]: new this.rt.Tensor('float32', x, dims) });
    return outputRows(out[this.outputName]);
  }

  async embedFrames(frames: Frame[]): Promise<Float32Array[]> {
    if (this.kind !== 'image') throw new Error('embedFrames needs an image model; this is a video model (use embedClips)');
    const out: Float32Array[] = [];
    for (let i = 0; i < frames.length; i += this.batchSize) out.push(...(await this.forwardImages(frames.slice(i, i + this.batchSize))));
    return out;
  }

  combineClip(frameFeatures: Float32Array[]): Float32Array {
    return poolClipFeatures(frameFeatures, { pooling: this.opts.pooling, motionWeight: this.opts.motionWeight ?? 0.5 });
  }

  async embedClips(clips: Frame[][]): Promise<Float32Array[]> {
    if (clips.some((c) => c.length === 0)) throw new Error('cannot embed an empty clip');
    if (this.kind === 'image') {
      // Frames shared between clips (same object) are embedded once.
      const uniq = new Map<Frame, number>();
      for (const c of clips) for (const f of c) if (!uniq.has(f)) uniq.set(f, uniq.size);
      const feats = await this.embedFrames([...uniq.keys()]);
      return clips.map((c) => this.combineClip(c.map((f) => feats[uniq.get(f)!])));
    }
    const per = this.input.fixedBatch ?? Math.max(1, Math.floor(this.batchSize / (this.input.t ?? 8)));
    const out: Float32Array[] = [];
    for (let i = 0; i < clips.length; ) {
      // symbolic T: a batch holds clips of one length
      let j = i + 1;
      while (j < clips.length && j - i < per && (this.input.t !== null || clips[j].length === clips[i].length)) j++;
      for (const r of await this.forwardClips(clips.slice(i, j))) out.push(l2normalize(r));
      i = j;
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

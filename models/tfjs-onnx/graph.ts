/**
 * TF.js graph model (GraphDef JSON + weight shards) → ONNX, for the ops the shipped pose and
 * hand models use. Only the subgraph that the requested outputs depend on is converted, so a
 * model's in-graph post-processing can be cut off by naming the tensors before it.
 *
 * Layout: TF runs NHWC, ONNX Conv/Resize want NCHW. Every rank-4 tensor carries its layout;
 * ops that need NCHW get a Transpose in front the first time (cached per tensor), ops that
 * need TF's own layout (reshapes, outputs) get one back. Elementwise ops run in whatever
 * layout their activation input has; constant operands are permuted to match.
 */
import { decodeWeights, type DecodedWeight, type WeightsManifest } from './weights.js';
import { attrInt, attrInts, attrString, encodeModel, floatInit, floatValueInfo, int64Init, node, uint8Init, tfKernelToOnnx, type NodeProto, type TensorProto } from './onnx-build.js';

export interface TfAttrValue {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { s?: string[]; i?: string[]; f?: number[] };
}

export interface TfNodeDef {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttrValue>;
}

export interface TfjsGraphModel {
  format: string;
  modelTopology: { node: TfNodeDef[] };
  weightsManifest: WeightsManifest;
}

export interface GraphConvertOptions {
  /**
   * The tensor to feed; declared float32 with this NHWC shape (a string = symbolic dim). Usually
   * the Placeholder; any other node cuts the graph there (what comes before it, e.g. an in-graph
   * preprocessing loop, is not converted and has to be done by the caller).
   */
  input: { tf: string; name: string; shape: Array<number | string> };
  /** Tensors to expose, in TF's layout (NHWC for rank 4). */
  outputs: Array<{ tf: string; name: string; shape: Array<number | string> }>;
  /**
   * 'dequantize' (default): every weight stored as float32. 'keep-uint8': uint8-quantised conv
   * kernels stay uint8 in the file, dequantised in the graph (Cast, Mul scale, Add min: the same
   * float32 values up to rounding; onnxruntime folds them at load) — a quarter of the size.
   */
  quantizedWeights?: 'dequantize' | 'keep-uint8';
  graphName: string;
  producer: string;
  docString: string;
}

/** How each TF op is written in ONNX (also the converter's list of supported ops). */
export const OP_MAPPING: Record<string, string> = {
  Placeholder: 'graph input (float32)',
  Const: 'initializer (weights dequantised to float32; permuted to NCHW when the consumer runs NCHW)',
  Identity: 'alias (no node)',
  Cast: 'to float of a float tensor: alias (the ONNX input is already float32)',
  Unpack: 'num=1: Squeeze(axis); num>1: Split(axis) + Squeeze(axis) per output (outputs name:k)',
  ExpandDims: 'Unsqueeze',
  Squeeze: 'Squeeze',
  Sub: 'Sub',
  Mul: 'Mul',
  AddV2: 'Add',
  RealDiv: 'Div',
  Sigmoid: 'Sigmoid',
  Relu: 'Relu',
  Relu6: 'Clip(0, 6)',
  Conv2D: 'Conv (NCHW)',
  DepthwiseConv2dNative: 'Conv, group = channels (NCHW)',
  _FusedConv2D: 'Conv + bias (BiasAdd), then Relu / Clip(0,6) for a fused Relu / Relu6',
  FusedDepthwiseConv2dNative: 'Conv group = channels + bias, then Relu / Clip(0,6)',
  ResizeBilinear: 'Resize linear on axes [2,3] (opset 18), half_pixel / align_corners / asymmetric per the TF flags',
  MaxPool: 'MaxPool (NCHW)',
  AddN: 'Sum',
  Mean: 'over H,W: ReduceMean (axes [2,3] in NCHW)',
  _FusedMatMul: 'Gemm (+bias for a fused BiasAdd)',
  Exp: 'Exp',
  Reshape: 'Reshape (constant shape; in TF layout)',
  Pack: 'Unsqueeze(axis) per input + Concat(axis) (in TF layout)',
  ConcatV2: 'Concat (constant axis; in TF layout)',
  Slice: 'Slice (constant begin/size; size -1 = to the end)',
  Transpose: 'Transpose (constant perm; in TF layout)',
};

type Layout = 'NHWC' | 'NCHW' | null; // null: not rank 4
interface Tensor {
  name: string;
  rank: number;
  layout: Layout;
}

const baseName = (ref: string) => ref.replace(/^\^/, '').replace(/:0$/, '');
/** The node a reference names (`name:k` is output k of node `name`). */
const nodeName = (ref: string) => ref.replace(/^\^/, '').replace(/:\d+$/, '');
const attrStr = (a?: TfAttrValue) => (a?.s ? Buffer.from(a.s, 'base64').toString() : undefined);
const attrStrList = (a?: TfAttrValue) => (a?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString());
const attrIntList = (a?: TfAttrValue) => (a?.list?.i ?? []).map(Number);

/** Op name → count over the whole graph (what "list the graph's ops" prints). */
export function listOps(model: TfjsGraphModel): Map<string, number> {
  const ops = new Map<string, number>();
  for (const n of model.modelTopology.node) ops.set(n.op, (ops.get(n.op) ?? 0) + 1);
  return ops;
}

/** Nodes the outputs depend on, inputs before consumers; the walk stops at (and includes) the nodes in `stopAt`. */
export function neededNodes(model: TfjsGraphModel, outputs: string[], stopAt: string[] = []): TfNodeDef[] {
  const stop = new Set(stopAt);
  const byName = new Map(model.modelTopology.node.map((n) => [n.name, n]));
  const order: TfNodeDef[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    const n = byName.get(name);
    if (!n) throw new Error(`graph has no node ${name}`);
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`cycle at ${name}`);
    state.set(name, 'visiting');
    if (!stop.has(name)) for (const i of n.input ?? []) visit(nodeName(i));
    state.set(name, 'done');
    order.push(n);
  };
  outputs.forEach(visit);
  return order;
}

/** Permutes a constant from NHWC-broadcast form to the NCHW-broadcast form of the same op. */
function constToNchw(w: { shape: number[]; values: Float32Array }): { shape: number[]; values: Float32Array } {
  const s = w.shape;
  if (s.length <= 0) return w;
  if (s.length === 1) return { shape: [s[0], 1, 1], values: w.values };
  if (s.length !== 3 && s.length !== 4) throw new Error(`constant of rank ${s.length} next to an NCHW tensor`);
  const [n, h, wd, c] = s.length === 4 ? s : [1, ...s];
  const out = new Float32Array(w.values.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < wd; x++) for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * wd + x] = w.values[((b * h + y) * wd + x) * c + k];
  return { shape: s.length === 4 ? [n, c, h, wd] : [c, h, wd], values: out };
}

/** Converts the subgraph behind `opts.outputs` and returns the ONNX bytes plus the ops used. */
export function convertGraphModel(model: TfjsGraphModel, weightData: Uint8Array, opts: GraphConvertOptions): { bytes: Uint8Array; opsUsed: Map<string, number> } {
  const weights = decodeWeights(model.weightsManifest, weightData);
  const order = neededNodes(model, opts.outputs.map((o) => o.tf), [opts.input.tf]);
  const unsupported = [...new Set(order.filter((n) => n.name !== opts.input.tf).map((n) => n.op).filter((op) => !(op in OP_MAPPING)))];
  if (unsupported.length) throw new Error(`unsupported TF ops in the needed subgraph: ${unsupported.join(', ')}`);

  const nodes: NodeProto[] = [];
  const inits: TensorProto[] = [];
  const tensors = new Map<string, Tensor>();
  const converted = new Map<string, string>(); // `${tensor}@${layout}` → transposed tensor name
  const opsUsed = new Map<string, number>();
  let uniq = 0;
  const fresh = (base: string) => `${base}__${uniq++}`;

  const constOf = (ref: string): DecodedWeight | undefined => weights.get(baseName(ref));
  const floatConst = (ref: string) => {
    const w = constOf(ref);
    if (!w) throw new Error(`${ref} is not a constant`);
    return { shape: w.shape, values: w.dtype === 'float32' ? (w.values as Float32Array) : Float32Array.from(w.values) };
  };
  const intConst = (ref: string) => {
    const w = constOf(ref);
    if (!w) throw new Error(`${ref} is not a constant`);
    return Array.from(w.values as ArrayLike<number>);
  };
  const tensorOf = (ref: string): Tensor => {
    const t = tensors.get(baseName(ref));
    if (!t) throw new Error(`tensor ${ref} not converted (multi-output refs other than :0 are not supported)`);
    return t;
  };
  /** The tensor in the wanted layout (rank-4 tensors only), transposing once if needed. */
  const inLayout = (t: Tensor, want: 'NHWC' | 'NCHW'): string => {
    if (t.layout === null) throw new Error(`${t.name}: rank ${t.rank}, cannot be used as ${want}`);
    if (t.layout === want) return t.name;
    const key = `${t.name}@${want}`;
    let name = converted.get(key);
    if (!name) {
      name = fresh(`${t.name}/to_${want.toLowerCase()}`);
      nodes.push(node('Transpose', name, [t.name], [name], [attrInts('perm', want === 'NCHW' ? [0, 3, 1, 2] : [0, 2, 3, 1])]));
      converted.set(key, name);
    }
    return name;
  };
  const addFloatInit = (base: string, w: { shape: number[]; values: Float32Array }) => {
    const name = fresh(base);
    inits.push(floatInit(name, w.shape, w.values));
    return name;
  };
  const addIntsInit = (base: string, values: number[], scalar = false) => {
    const name = fresh(base);
    inits.push(int64Init(name, scalar ? [] : [values.length], values));
    return name;
  };
  let relu6Bounds: string[] | null = null;
  const clipBounds = () => (relu6Bounds ??= [addFloatInit('relu6_min', { shape: [], values: new Float32Array([0]) }), addFloatInit('relu6_max', { shape: [], values: new Float32Array([6]) })]);
  /** Appends an activation after `src`; returns the activated tensor name. */
  const activation = (act: string, src: string, out: string): string => {
    if (act === 'Relu') nodes.push(node('Relu', out, [src], [out]));
    else if (act === 'Relu6') nodes.push(node('Clip', out, [src, ...clipBounds()], [out]));
    else if (act === 'Sigmoid') nodes.push(node('Sigmoid', out, [src], [out]));
    else throw new Error(`unsupported activation ${act}`);
    return out;
  };

  for (const n of order) {
    opsUsed.set(n.op, (opsUsed.get(n.op) ?? 0) + 1);
    const ins = n.input ?? [];
    const set = (t: Tensor) => tensors.set(n.name, t);
    /** The tensor in TF's own layout (NHWC for rank 4). */
    const tfLayout = (ref: string) => {
      const t = tensorOf(ref);
      return t.layout ? inLayout(t, 'NHWC') : t.name;
    };
    const tfTensor = (name: string, rank: number): Tensor => ({ name, rank, layout: rank === 4 ? 'NHWC' : null });
    if (n.name === opts.input.tf) {
      set(tfTensor(opts.input.name, opts.input.shape.length));
      continue;
    }
    switch (n.op) {
      case 'Const':
        if (!weights.has(n.name)) throw new Error(`Const ${n.name} has no weight entry`);
        break;
      case 'Placeholder':
        throw new Error(`graph needs placeholder ${n.name}, only ${opts.input.tf} is fed`);
      case 'Identity':
        set(tensorOf(ins[0]));
        break;
      case 'Cast': {
        const dst = n.attr?.DstT?.type;
        if (dst !== 'DT_FLOAT') throw new Error(`${n.name}: Cast to ${dst} not supported`);
        set(tensorOf(ins[0])); // every converted tensor is float32
        break;
      }
      case 'Unpack': {
        const num = Number(n.attr?.num?.i);
        if (num === 1) {
          const src = tensorOf(ins[0]);
          const axis = Number(n.attr?.axis?.i ?? 0);
          nodes.push(node('Squeeze', n.name, [tfLayout(ins[0]), addIntsInit(`${n.name}/axes`, [axis])], [n.name]));
          set(tfTensor(n.name, src.rank - 1));
          break;
        }
        const src = tensorOf(ins[0]);
        const axis = (Number(n.attr?.axis?.i ?? 0) + src.rank) % src.rank;
        const parts = Array.from({ length: num }, (_, k) => `${n.name}/split_${k}`);
        nodes.push(node('Split', `${n.name}/split`, [tfLayout(ins[0])], parts, [attrInt('axis', axis), attrInt('num_outputs', num)]));
        const axesInit = addIntsInit(`${n.name}/axes`, [axis]);
        parts.forEach((p, k) => {
          const out = k === 0 ? n.name : `${n.name}:${k}`;
          nodes.push(node('Squeeze', out, [p, axesInit], [out]));
          tensors.set(out, tfTensor(out, src.rank - 1));
        });
        break;
      }
      case 'Squeeze':
      case 'ExpandDims': {
        const src = tensorOf(ins[0]);
        const x = src.layout ? inLayout(src, 'NHWC') : src.name;
        let axes: number[];
        if (n.op === 'Squeeze') axes = attrIntList(n.attr?.squeeze_dims);
        else axes = intConst(ins[1]);
        if (n.op === 'Squeeze' && axes.length === 0) throw new Error(`${n.name}: Squeeze without explicit dims not supported`);
        const rank = n.op === 'ExpandDims' ? src.rank + axes.length : src.rank - axes.length;
        nodes.push(node(n.op === 'ExpandDims' ? 'Unsqueeze' : 'Squeeze', n.name, [x, addIntsInit(`${n.name}/axes`, axes)], [n.name]));
        set({ name: n.name, rank, layout: rank === 4 ? 'NHWC' : null });
        break;
      }
      case 'Sub':
      case 'Mul':
      case 'AddV2':
      case 'RealDiv': {
        const onnxOp = { Sub: 'Sub', Mul: 'Mul', AddV2: 'Add', RealDiv: 'Div' }[n.op]!;
        const isConst = ins.map((i) => weights.has(baseName(i)));
        if (isConst[0] && isConst[1]) throw new Error(`${n.name}: constant-only ${n.op} (should have been folded)`);
        const acts = ins.map((i, k) => (isConst[k] ? null : tensorOf(i)));
        // Both activations: agree on NCHW if either already is. One constant: follow the activation.
        const layout: Layout = acts.some((a) => a?.layout === 'NCHW') ? 'NCHW' : (acts.find((a) => a)!.layout ?? null);
        const names = ins.map((ref, k) => {
          const a = acts[k];
          if (a) return a.layout && layout ? inLayout(a, layout) : a.name;
          const c = floatConst(ref);
          return addFloatInit(`${baseName(ref)}`, layout === 'NCHW' ? constToNchw(c) : c);
        });
        nodes.push(node(onnxOp, n.name, names, [n.name]));
        set({ name: n.name, rank: Math.max(...acts.map((a) => a?.rank ?? 0), ...ins.map((r, k) => (isConst[k] ? floatConst(r).shape.length : 0))), layout });
        break;
      }
      case 'Exp': {
        const src = tensorOf(ins[0]);
        nodes.push(node('Exp', n.name, [src.name], [n.name]));
        set({ ...src, name: n.name });
        break;
      }
      case 'Reshape': {
        const shape = intConst(ins[1]);
        nodes.push(node('Reshape', n.name, [tfLayout(ins[0]), addIntsInit(`${n.name}/shape`, shape)], [n.name]));
        set(tfTensor(n.name, shape.length));
        break;
      }
      case 'Pack': {
        const srcs = ins.map(tensorOf);
        const rank = srcs[0].rank + 1;
        const axis = (Number(n.attr?.axis?.i ?? 0) + rank) % rank;
        const axesInit = addIntsInit(`${n.name}/axes`, [axis]);
        const parts = ins.map((ref, k) => {
          const u = `${n.name}/unsqueeze_${k}`;
          nodes.push(node('Unsqueeze', u, [tfLayout(ref), axesInit], [u]));
          return u;
        });
        nodes.push(node('Concat', n.name, parts, [n.name], [attrInt('axis', axis)]));
        set(tfTensor(n.name, rank));
        break;
      }
      case 'ConcatV2': {
        const parts = ins.slice(0, -1);
        const rank = tensorOf(parts[0]).rank;
        const axis = (intConst(ins[ins.length - 1])[0] + rank) % rank;
        nodes.push(node('Concat', n.name, parts.map(tfLayout), [n.name], [attrInt('axis', axis)]));
        set(tfTensor(n.name, rank));
        break;
      }
      case 'Slice': {
        const begin = intConst(ins[1]), size = intConst(ins[2]);
        const ends = size.map((s, k) => (s < 0 ? Number.MAX_SAFE_INTEGER : begin[k] + s));
        const axes = begin.map((_, k) => k);
        nodes.push(node('Slice', n.name, [tfLayout(ins[0]), addIntsInit(`${n.name}/starts`, begin), addIntsInit(`${n.name}/ends`, ends), addIntsInit(`${n.name}/axes`, axes)], [n.name]));
        set(tfTensor(n.name, begin.length));
        break;
      }
      case 'Transpose': {
        const perm = intConst(ins[1]);
        nodes.push(node('Transpose', n.name, [tfLayout(ins[0])], [n.name], [attrInts('perm', perm)]));
        set(tfTensor(n.name, perm.length));
        break;
      }
      case 'Sigmoid':
      case 'Relu':
      case 'Relu6': {
        const src = tensorOf(ins[0]);
        set({ ...src, name: activation(n.op, src.name, n.name) });
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2dNative':
      case '_FusedConv2D':
      case 'FusedDepthwiseConv2dNative': {
        const depthwise = n.op.includes('Depthwise');
        const fmt = attrStr(n.attr?.data_format) ?? 'NHWC';
        if (fmt !== 'NHWC') throw new Error(`${n.name}: data_format ${fmt}`);
        const strides = attrIntList(n.attr?.strides);
        const dil = attrIntList(n.attr?.dilations);
        const padding = attrStr(n.attr?.padding);
        const fused = attrStrList(n.attr?.fused_ops);
        const k = floatConst(ins[1]);
        const w = tfKernelToOnnx(k.shape, k.values, depthwise);
        const x = inLayout(tensorOf(ins[0]), 'NCHW'); // named before the kernel: keeps earlier conversions' bytes
        const q = constOf(ins[1])?.quantized;
        let kernel: string;
        if (opts.quantizedWeights === 'keep-uint8' && q && q.codes instanceof Uint8Array) {
          const codes = tfKernelToOnnx(k.shape, Float32Array.from(q.codes), depthwise).values;
          const raw = fresh(`${baseName(ins[1])}/uint8`);
          inits.push(uint8Init(raw, w.dims, Uint8Array.from(codes)));
          const asFloat = fresh(`${baseName(ins[1])}/float`), scaled = fresh(`${baseName(ins[1])}/scaled`);
          kernel = fresh(`${baseName(ins[1])}/dequantized`);
          nodes.push(node('Cast', asFloat, [raw], [asFloat], [attrInt('to', 1)]));
          nodes.push(node('Mul', scaled, [asFloat, addFloatInit('q_scale', { shape: [], values: new Float32Array([q.scale]) })], [scaled]));
          nodes.push(node('Add', kernel, [scaled, addFloatInit('q_min', { shape: [], values: new Float32Array([q.min]) })], [kernel]));
        } else kernel = addFloatInit(`${baseName(ins[1])}`, { shape: w.dims, values: w.values });
        const convIns = [x, kernel];
        const rest = fused.slice();
        if (rest[0] === 'BiasAdd') {
          rest.shift();
          convIns.push(addFloatInit(`${baseName(ins[2])}`, floatConst(ins[2])));
        } else if (rest.length) throw new Error(`${n.name}: fused ops ${fused.join('+')} not supported`);
        if (rest.length > 1) throw new Error(`${n.name}: fused ops ${fused.join('+')} not supported`);
        const attrs = [attrInts('kernel_shape', [w.dims[2], w.dims[3]]), attrInts('strides', [strides[1], strides[2]]), attrInt('group', depthwise ? k.shape[2] : 1)];
        if (dil.length) attrs.push(attrInts('dilations', [dil[1], dil[2]]));
        if (padding === 'SAME') attrs.push(attrString('auto_pad', 'SAME_UPPER')); // TF SAME puts the odd pixel at the end, as SAME_UPPER
        else if (padding === 'EXPLICIT') {
          const p = attrIntList(n.attr?.explicit_paddings); // [[0,0],[t,b],[l,r],[0,0]] flattened
          attrs.push(attrInts('pads', [p[2], p[4], p[3], p[5]]));
        } else if (padding !== 'VALID') throw new Error(`${n.name}: padding ${padding}`);
        const convOut = rest.length ? `${n.name}/conv` : n.name;
        nodes.push(node('Conv', convOut, convIns, [convOut], attrs));
        const out = rest.length ? activation(rest[0], convOut, n.name) : convOut;
        set({ name: out, rank: 4, layout: 'NCHW' });
        break;
      }
      case 'ResizeBilinear': {
        const align = n.attr?.align_corners?.b === true;
        const half = n.attr?.half_pixel_centers?.b === true;
        const size = intConst(ins[1]);
        const mode = align ? 'align_corners' : half ? 'half_pixel' : 'asymmetric';
        // Resize(X, roi, scales, sizes) with axes=[2,3]: sizes only for H and W.
        nodes.push(
          node('Resize', n.name, [inLayout(tensorOf(ins[0]), 'NCHW'), '', '', addIntsInit(`${n.name}/sizes`, size)], [n.name], [attrString('mode', 'linear'), attrString('coordinate_transformation_mode', mode), attrInts('axes', [2, 3])]),
        );
        set({ name: n.name, rank: 4, layout: 'NCHW' });
        break;
      }
      case 'MaxPool': {
        const k = attrIntList(n.attr?.ksize), st = attrIntList(n.attr?.strides);
        const padding = attrStr(n.attr?.padding);
        if (padding !== 'VALID' && padding !== 'SAME') throw new Error(`${n.name}: padding ${padding}`);
        const attrs = [attrInts('kernel_shape', [k[1], k[2]]), attrInts('strides', [st[1], st[2]])];
        if (padding === 'SAME') attrs.push(attrString('auto_pad', 'SAME_UPPER'));
        nodes.push(node('MaxPool', n.name, [inLayout(tensorOf(ins[0]), 'NCHW')], [n.name], attrs));
        set({ name: n.name, rank: 4, layout: 'NCHW' });
        break;
      }
      case 'AddN': {
        const acts = ins.map(tensorOf);
        const layout: Layout = acts.some((a) => a.layout === 'NCHW') ? 'NCHW' : acts[0].layout;
        nodes.push(node('Sum', n.name, acts.map((a) => (a.layout && layout ? inLayout(a, layout) : a.name)), [n.name]));
        set({ name: n.name, rank: acts[0].rank, layout });
        break;
      }
      case 'Mean': {
        const src = tensorOf(ins[0]);
        const axes = intConst(ins[1]).map((a) => (a < 0 ? a + src.rank : a)).sort();
        if (src.rank !== 4 || axes.join() !== '1,2') throw new Error(`${n.name}: Mean only over H,W of a rank-4 tensor`);
        const keep = n.attr?.keep_dims?.b === true;
        nodes.push(node('ReduceMean', n.name, [inLayout(src, 'NCHW'), addIntsInit(`${n.name}/axes`, [2, 3])], [n.name], [attrInt('keepdims', keep ? 1 : 0)]));
        set({ name: n.name, rank: keep ? 4 : 2, layout: keep ? 'NCHW' : null });
        break;
      }
      case '_FusedMatMul': {
        const fused = attrStrList(n.attr?.fused_ops);
        if (fused.join() !== 'BiasAdd') throw new Error(`${n.name}: fused ops ${fused.join('+')} not supported`);
        const a = tensorOf(ins[0]);
        if (a.rank !== 2) throw new Error(`${n.name}: MatMul of a rank-${a.rank} tensor`);
        const attrs = [attrInt('transA', n.attr?.transpose_a?.b ? 1 : 0), attrInt('transB', n.attr?.transpose_b?.b ? 1 : 0)];
        nodes.push(node('Gemm', n.name, [a.name, addFloatInit(baseName(ins[1]), floatConst(ins[1])), addFloatInit(baseName(ins[2]), floatConst(ins[2]))], [n.name], attrs));
        set({ name: n.name, rank: 2, layout: null });
        break;
      }
      default:
        throw new Error(`${n.name}: op ${n.op} not handled`);
    }
  }

  for (const o of opts.outputs) {
    const t = tensorOf(o.tf);
    nodes.push(node('Identity', o.name, [t.layout ? inLayout(t, 'NHWC') : t.name], [o.name]));
  }
  const bytes = encodeModel({
    graphName: opts.graphName,
    nodes,
    initializers: inits,
    inputs: [floatValueInfo(opts.input.name, opts.input.shape)],
    outputs: opts.outputs.map((o) => floatValueInfo(o.name, o.shape)),
    opset: 18,
    producer: opts.producer,
    docString: opts.docString,
  });
  return { bytes, opsUsed };
}

/**
 * Converts nsfwjs's MobileNetV2 (Keras layers model in TF.js format) into an ONNX feature
 * extractor cut at `flatten_1` (global-average-pooled 1280-d features).
 *
 * Run: node --import tsx models/convert-mobilenet.ts [outFile]
 *   default outFile: models/mobilenet_v2/mobilenet_v2_features.onnx
 *
 * Graph contract: input `input` float32 [N,224,224,3] (NHWC, RGB scaled to [0,1], as nsfwjs
 * feeds it), output `features` float32 [N,1280]. Internally NCHW (one Transpose at the
 * start), BatchNorm folded into the preceding convolutions, ZeroPadding folded into conv pads,
 * ReLU6 as Clip(0,6).
 */
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeWeights, type WeightsManifest } from './tfjs-onnx/weights.js';
import { attrInt, attrInts, encodeModel, floatInit, floatValueInfo, onnx, tfKernelToOnnx, type NodeProto, type TensorProto } from './tfjs-onnx/onnx-build.js';

export interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, any>;
  inbound_nodes: Array<Array<[string, number, number, unknown?]>>;
}

export interface TfjsLayersModel {
  modelTopology: { model_config: { config: { layers: KerasLayer[] } } };
  weightsManifest: WeightsManifest;
}

interface ConvRecord {
  node: NodeProto;
  w: Float32Array; // ONNX layout [out, in/group, kh, kw]
  outCh: number;
  b: Float32Array | null;
  wName: string;
  bName: string;
}

/** Builds the ONNX model bytes. `cutAt` is the last Keras layer kept. */
export function convertKerasMobilenet(model: TfjsLayersModel, weightData: Uint8Array, cutAt = 'flatten_1', producer = 'sopilot convert-mobilenet'): Uint8Array {
  const layers = model.modelTopology.model_config.config.layers;
  const weights = decodeWeights(model.weightsManifest, weightData);
  const getW = (name: string) => {
    const w = weights.get(name);
    if (!w || w.dtype !== 'float32') throw new Error(`missing float weight ${name}`);
    return { shape: w.shape, values: w.values as Float32Array };
  };
  const nodes: NodeProto[] = [];
  const convs = new Map<string, ConvRecord>();
  const pads = new Map<string, { src: string; pads: number[] }>(); // ZeroPadding2D layer -> source + [t,l,b,r]
  const alias = new Map<string, string>(); // Keras layer name -> ONNX tensor name
  const extraInits: TensorProto[] = [];
  const tensorName = (layer: string) => alias.get(layer) ?? layer;

  extraInits.push(floatInit('relu6_min', [], new Float32Array([0])), floatInit('relu6_max', [], new Float32Array([6])));

  let reachedCut = false;
  for (const layer of layers) {
    const inputs = (layer.inbound_nodes[0] ?? []).map((n) => n[0]);
    const cfg = layer.config;
    switch (layer.class_name) {
      case 'InputLayer': {
        nodes.push(onnx.NodeProto.create({ name: 'to_nchw', opType: 'Transpose', input: ['input'], output: [layer.name], attribute: [attrInts('perm', [0, 3, 1, 2])] }));
        break;
      }
      case 'ZeroPadding2D': {
        const [[t, b], [l, r]] = cfg.padding as number[][];
        pads.set(layer.name, { src: tensorName(inputs[0]), pads: [t, l, b, r] });
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const [kh, kw] = cfg.kernel_size as number[];
        const strides = cfg.strides as number[];
        const dil = cfg.dilation_rate as number[];
        if (dil[0] !== 1 || dil[1] !== 1) throw new Error(`${layer.name}: dilation not supported`);
        let src = tensorName(inputs[0]);
        let p = [0, 0, 0, 0];
        const padded = pads.get(inputs[0]);
        if (padded) {
          src = padded.src;
          p = padded.pads;
        }
        if (cfg.padding === 'same') {
          if (strides[0] !== 1 || strides[1] !== 1) throw new Error(`${layer.name}: 'same' padding with stride > 1 not supported`);
          const ph = kh - 1, pw = kw - 1;
          p = [p[0] + Math.floor(ph / 2), p[1] + Math.floor(pw / 2), p[2] + ph - Math.floor(ph / 2), p[3] + pw - Math.floor(pw / 2)];
        } else if (cfg.padding !== 'valid') throw new Error(`${layer.name}: padding ${cfg.padding}`);
        const depthwise = layer.class_name === 'DepthwiseConv2D';
        const k = getW(`${layer.name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`);
        const [, , cin, cx] = k.shape; // TF: [kh, kw, in, out] or [kh, kw, in, multiplier]
        if (depthwise && cx !== 1) throw new Error(`${layer.name}: depth multiplier ${cx} not supported`);
        const outCh = depthwise ? cin : cx;
        const w = tfKernelToOnnx(k.shape, k.values, depthwise).values;
        let b: Float32Array | null = null;
        if (cfg.use_bias) b = Float32Array.from(getW(`${layer.name}/bias`).values);
        if (cfg.activation && cfg.activation !== 'linear') throw new Error(`${layer.name}: fused activation ${cfg.activation} not supported`);
        const wName = `${layer.name}.W`, bName = `${layer.name}.B`;
        const node = onnx.NodeProto.create({
          name: layer.name,
          opType: 'Conv',
          input: [src, wName],
          output: [layer.name],
          attribute: [attrInts('kernel_shape', [kh, kw]), attrInts('strides', strides), attrInts('pads', p), attrInt('group', depthwise ? cin : 1)],
        });
        nodes.push(node);
        convs.set(layer.name, { node, w, outCh, b, wName, bName });
        break;
      }
      case 'BatchNormalization': {
        // Inference-time BN is affine per channel: fold it into the preceding conv (its only consumer).
        const conv = convs.get(inputs[0]);
        if (!conv) throw new Error(`${layer.name}: BatchNormalization not after a conv`);
        const consumers = layers.filter((l) => (l.inbound_nodes[0] ?? []).some((n) => n[0] === inputs[0]));
        if (consumers.length !== 1) throw new Error(`${layer.name}: conv output has other consumers, cannot fold`);
        const eps = cfg.epsilon as number;
        const gamma = cfg.scale ? getW(`${layer.name}/gamma`).values : null;
        const beta = cfg.center ? getW(`${layer.name}/beta`).values : null;
        const mean = getW(`${layer.name}/moving_mean`).values;
        const variance = getW(`${layer.name}/moving_variance`).values;
        const per = conv.w.length / conv.outCh;
        const bias = conv.b ?? new Float32Array(conv.outCh);
        for (let c = 0; c < conv.outCh; c++) {
          const s = (gamma ? gamma[c] : 1) / Math.sqrt(variance[c] + eps);
          for (let j = 0; j < per; j++) conv.w[c * per + j] *= s;
          bias[c] = (bias[c] - mean[c]) * s + (beta ? beta[c] : 0);
        }
        conv.b = bias;
        alias.set(layer.name, tensorName(inputs[0]));
        break;
      }
      case 'ReLU': {
        const max = cfg.max_value as number | null;
        if ((cfg.negative_slope ?? 0) !== 0 || (cfg.threshold ?? 0) !== 0) throw new Error(`${layer.name}: leaky/thresholded ReLU not supported`);
        nodes.push(
          max != null
            ? onnx.NodeProto.create({ name: layer.name, opType: 'Clip', input: [tensorName(inputs[0]), 'relu6_min', max === 6 ? 'relu6_max' : `${layer.name}.max`], output: [layer.name] })
            : onnx.NodeProto.create({ name: layer.name, opType: 'Relu', input: [tensorName(inputs[0])], output: [layer.name] }),
        );
        if (max != null && max !== 6) extraInits.push(floatInit(`${layer.name}.max`, [], new Float32Array([max])));
        break;
      }
      case 'Add': {
        nodes.push(onnx.NodeProto.create({ name: layer.name, opType: inputs.length === 2 ? 'Add' : 'Sum', input: inputs.map(tensorName), output: [layer.name] }));
        break;
      }
      case 'AveragePooling2D': {
        if (cfg.padding !== 'valid') throw new Error(`${layer.name}: padding ${cfg.padding}`);
        nodes.push(
          onnx.NodeProto.create({
            name: layer.name,
            opType: 'AveragePool',
            input: [tensorName(inputs[0])],
            output: [layer.name],
            attribute: [attrInts('kernel_shape', cfg.pool_size), attrInts('strides', cfg.strides ?? cfg.pool_size)],
          }),
        );
        break;
      }
      case 'Flatten': {
        // After a 7x7 pool on a 7x7 map the spatial size is 1x1, so NCHW and NHWC flatten agree.
        nodes.push(onnx.NodeProto.create({ name: layer.name, opType: 'Flatten', input: [tensorName(inputs[0])], output: [layer.name], attribute: [attrInt('axis', 1)] }));
        break;
      }
      default:
        throw new Error(`layer ${layer.name}: unsupported class ${layer.class_name}`);
    }
    if (layer.name === cutAt) {
      reachedCut = true;
      break;
    }
  }
  if (!reachedCut) throw new Error(`cut layer ${cutAt} not found`);
  nodes.push(onnx.NodeProto.create({ name: 'features', opType: 'Identity', input: [tensorName(cutAt)], output: ['features'] }));

  const inits = [...extraInits];
  for (const c of convs.values()) {
    const cin = c.w.length / c.outCh;
    const kshape = (c.node.attribute.find((a) => a.name === 'kernel_shape')!.ints as number[]).map(Number);
    inits.push(floatInit(c.wName, [c.outCh, cin / (kshape[0] * kshape[1]), kshape[0], kshape[1]], c.w));
    if (c.b) {
      inits.push(floatInit(c.bName, [c.outCh], c.b));
      c.node.input.push(c.bName);
    }
  }
  const outDim = convs.get('Conv_1')?.outCh ?? 1280;
  return encodeModel({
    graphName: 'mobilenet_v2_features',
    nodes,
    initializers: inits,
    inputs: [floatValueInfo('input', ['N', 224, 224, 3])],
    outputs: [floatValueInfo('features', ['N', outDim])],
    opset: 13,
    producer,
    docString: `nsfwjs MobileNetV2 cut at ${cutAt}; input NHWC RGB in [0,1]`,
  });
}

/** Loads nsfwjs's bundled MobileNetV2 (model.min.js + weight shard, UMD modules). */
export function loadNsfwjsMobilenet(): { model: TfjsLayersModel; weightData: Uint8Array; version: string } {
  const require = createRequire(import.meta.url);
  const main = require.resolve('nsfwjs'); // package.json is not exported; walk up from dist/
  const base = main.slice(0, main.lastIndexOf('/dist/'));
  const model = require(`${base}/dist/models/mobilenet_v2/model.min.js`) as TfjsLayersModel;
  const shard = require(`${base}/dist/models/mobilenet_v2/group1-shard1of1.min.js`) as string;
  const version = (require(`${base}/package.json`) as { version: string }).version;
  const weightData = new Uint8Array(Buffer.from(shard, 'base64'));
  return { model, weightData, version };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = resolve(process.argv[2] ?? `${here}/mobilenet_v2/mobilenet_v2_features.onnx`);
  const { model, weightData, version } = loadNsfwjsMobilenet();
  const bytes = convertKerasMobilenet(model, weightData, 'flatten_1', `sopilot convert-mobilenet (nsfwjs ${version})`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  console.log(`wrote ${out} (${(bytes.length / 1e6).toFixed(1)} MB) from nsfwjs ${version}`);
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { convertGraphModel, neededNodes, type TfjsGraphModel, type TfNodeDef } from '../../models/tfjs-onnx/graph.js';
import { decodeWeights } from '../../models/tfjs-onnx/weights.js';

// A small TF.js graph using the ops the hand detector needs (nearest-neighbour upsampling as
// Pack+Reshape, Slice, Exp, Transpose, Unpack into 2, ConcatV2, a conv whose kernel is
// uint8-quantised), converted and compared with tfjs running the same graph and weights.
const b64 = (s: string) => Buffer.from(s).toString('base64');
const ints = (v: number[]) => ({ list: { i: v.map(String) } });
const f32 = { type: 'DT_FLOAT' };
const i32c = (name: string) => ({ name, op: 'Const', attr: { dtype: { type: 'DT_INT32' } } });

function synthetic(): { model: TfjsGraphModel; data: Uint8Array } {
  const specs: Array<{ name: string; shape: number[]; dtype: string; quantization?: { dtype: string; min: number; scale: number } }> = [];
  const chunks: Uint8Array[] = [];
  const addInt = (name: string, v: number[], shape = [v.length]) => {
    specs.push({ name, shape, dtype: 'int32' });
    chunks.push(new Uint8Array(Int32Array.from(v).buffer));
  };
  // kernel [1,1,2,3] as uint8 codes with scale/min; bias float32
  const codes = Uint8Array.from([0, 17, 255, 128, 64, 200]);
  specs.push({ name: 'k', shape: [1, 1, 2, 3], dtype: 'float32', quantization: { dtype: 'uint8', min: -0.5, scale: 1 / 255 } });
  chunks.push(codes);
  specs.push({ name: 'bias', shape: [3], dtype: 'float32' });
  chunks.push(new Uint8Array(Float32Array.from([0.1, -0.2, 0.3]).buffer));
  addInt('pack_axis_unused', [0]);
  addInt('up_shape', [1, 8, 8, 3]);
  addInt('flat_shape', [1, -1, 3]);
  addInt('sl_begin', [0, 0, 1]);
  addInt('sl_size', [-1, -1, -1]);
  addInt('perm', [0, 2, 1]);
  addInt('cat_axis', [2], []);
  const nodes: TfNodeDef[] = [
    { name: 'x', op: 'Placeholder', attr: { dtype: f32 } },
    { name: 'pre', op: 'Mul', input: ['x', 'x'], attr: { T: f32 } }, // before the cut in the second test
    { name: 'k', op: 'Const', attr: { dtype: f32 } },
    { name: 'bias', op: 'Const', attr: { dtype: f32 } },
    { name: 'conv', op: '_FusedConv2D', input: ['pre', 'k', 'bias'], attr: { T: f32, strides: ints([1, 1, 1, 1]), padding: { s: b64('VALID') }, data_format: { s: b64('NHWC') }, dilations: ints([1, 1, 1, 1]), fused_ops: { list: { s: [b64('BiasAdd')] } }, num_args: { i: '1' } } },
    { name: 'p1', op: 'Pack', input: ['conv', 'conv'], attr: { T: f32, N: { i: '2' }, axis: { i: '3' } } },
    { name: 'p2', op: 'Pack', input: ['p1', 'p1'], attr: { T: f32, N: { i: '2' }, axis: { i: '2' } } },
    i32c('up_shape'),
    { name: 'up', op: 'Reshape', input: ['p2', 'up_shape'], attr: { T: f32 } },
    i32c('flat_shape'),
    { name: 'flat', op: 'Reshape', input: ['up', 'flat_shape'], attr: { T: f32 } },
    i32c('sl_begin'),
    i32c('sl_size'),
    { name: 'sl', op: 'Slice', input: ['flat', 'sl_begin', 'sl_size'], attr: { T: f32 } },
    { name: 'ex', op: 'Exp', input: ['sl'], attr: { T: f32 } },
    i32c('perm'),
    { name: 'tr', op: 'Transpose', input: ['ex', 'perm'], attr: { T: f32 } },
    { name: 'un', op: 'Unpack', input: ['tr'], attr: { T: f32, num: { i: '2' }, axis: { i: '1' } } },
    { name: 'diff', op: 'Sub', input: ['un', 'un:1'], attr: { T: f32 } },
    i32c('cat_axis'),
    { name: 'cat', op: 'ConcatV2', input: ['flat', 'ex', 'cat_axis'], attr: { T: f32, N: { i: '2' } } },
    i32c('pack_axis_unused'),
  ];
  const data = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let off = 0;
  for (const c of chunks) (data.set(c, off), (off += c.length));
  return { model: { format: 'graph-model', modelTopology: { node: nodes, versions: { producer: 1 } } as TfjsGraphModel['modelTopology'], weightsManifest: [{ paths: ['x.bin'], weights: specs }] }, data };
}

const OUTPUTS = [
  { tf: 'up', name: 'out_up', shape: [1, 8, 8, 3] },
  { tf: 'diff', name: 'out_diff', shape: [1, 64] },
  { tf: 'cat', name: 'out_cat', shape: [1, 64, 5] },
];
const input = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i * 0.7) * 1.3);

async function runOnnx(bytes: Uint8Array, feed: Float32Array) {
  const s = await ort.InferenceSession.create(bytes);
  const out = await s.run({ input: new ort.Tensor('float32', feed, [1, 4, 4, 2]) });
  await s.release();
  return Object.fromEntries(OUTPUTS.map((o) => [o.name, out[o.name].data as Float32Array]));
}
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

test('graph converter: Pack/Reshape/Slice/Exp/Transpose/Unpack(2)/ConcatV2 and a uint8 kernel kept quantised match tfjs', async () => {
  const { model, data } = synthetic();
  await tf.setBackend('cpu');
  const g = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: model.modelTopology as unknown as object, weightSpecs: model.weightsManifest[0].weights as tf.io.WeightsManifestEntry[], weightData: data.buffer.slice(0) as ArrayBuffer }));
  const want = tf.tidy(() => (g.execute(tf.tensor4d(input, [1, 4, 4, 2]), OUTPUTS.map((o) => o.tf)) as tf.Tensor[]).map((t) => t.dataSync() as Float32Array));
  g.dispose();
  for (const q of ['dequantize', 'keep-uint8'] as const) {
    const { bytes, opsUsed } = convertGraphModel(model, data, { input: { tf: 'x', name: 'input', shape: [1, 4, 4, 2] }, outputs: OUTPUTS, graphName: 't', producer: 't', docString: '', quantizedWeights: q });
    assert.ok(opsUsed.has('Unpack') && opsUsed.has('Pack') && opsUsed.has('ConcatV2'));
    const got = await runOnnx(bytes, input);
    OUTPUTS.forEach((o, i) => assert.ok(maxDiff(want[i], got[o.name]) < 1e-5, `${q} ${o.name}: max |Δ| ${maxDiff(want[i], got[o.name])}`));
    // the upsampling really is nearest-neighbour 2x, and the kernel really is the dequantised one
    const up = got.out_up;
    assert.equal(up[(1 * 8 + 1) * 3], up[(0 * 8 + 0) * 3]);
    assert.notEqual(up[(2 * 8 + 0) * 3], up[(0 * 8 + 0) * 3]);
    const m = (await import('onnx-proto')).default.onnx.ModelProto.decode(bytes);
    const uint8 = m.graph!.initializer!.filter((t) => t.dataType === 2).length;
    assert.equal(uint8, q === 'keep-uint8' ? 1 : 0, `${q}: uint8 initialisers`);
  }
  const w = decodeWeights(model.weightsManifest, data).get('k')!;
  assert.deepEqual(Array.from(w.quantized!.codes), [0, 17, 255, 128, 64, 200]);
  assert.ok(Math.abs(w.values[2] - (255 / 255 - 0.5)) < 1e-7);
});

test('graph converter: an input that names an inner node cuts the graph there', async () => {
  const { model, data } = synthetic();
  assert.ok(!neededNodes(model, ['up'], ['pre']).some((n) => n.name === 'x'), 'nothing before the cut is visited');
  const { bytes } = convertGraphModel(model, data, { input: { tf: 'pre', name: 'input', shape: [1, 4, 4, 2] }, outputs: OUTPUTS, graphName: 't', producer: 't', docString: '' });
  const cut = await runOnnx(bytes, input.map((v) => v * v));
  const { bytes: whole } = convertGraphModel(model, data, { input: { tf: 'x', name: 'input', shape: [1, 4, 4, 2] }, outputs: OUTPUTS, graphName: 't', producer: 't', docString: '' });
  const full = await runOnnx(whole, input);
  for (const o of OUTPUTS) assert.ok(maxDiff(cut[o.name], full[o.name]) < 1e-6, o.name);
  assert.throws(() => convertGraphModel(model, data, { input: { tf: 'pre', name: 'input', shape: [1, 4, 4, 2] }, outputs: [{ tf: 'nope', name: 'n', shape: [1] }], graphName: 't', producer: 't', docString: '' }), /no node nope/);
});

/**
 * Small helpers for writing ONNX graphs with onnx-proto: initialisers, attributes, value
 * infos, the model envelope, and TF's conv kernel layout turned into ONNX's.
 */
import onnxPkg from 'onnx-proto';

export const { onnx } = onnxPkg as unknown as { onnx: typeof import('onnx-proto').onnx };
export type NodeProto = InstanceType<typeof onnx.NodeProto>;
export type TensorProto = InstanceType<typeof onnx.TensorProto>;

const bytesOf = (v: Float32Array | Int32Array | BigInt64Array) => new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));

export const floatInit = (name: string, dims: number[], values: Float32Array): TensorProto =>
  onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytesOf(values) });

export const uint8Init = (name: string, dims: number[], values: Uint8Array): TensorProto =>
  onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.UINT8, rawData: new Uint8Array(values) });

export const int64Init = (name: string, dims: number[], values: ArrayLike<number>): TensorProto =>
  onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.INT64, rawData: bytesOf(BigInt64Array.from(Array.from(values), (v) => BigInt(v))) });

export const attrInts = (name: string, ints: number[]) => onnx.AttributeProto.create({ name, ints, type: onnx.AttributeProto.AttributeType.INTS });
export const attrInt = (name: string, i: number) => onnx.AttributeProto.create({ name, i, type: onnx.AttributeProto.AttributeType.INT });
export const attrFloat = (name: string, f: number) => onnx.AttributeProto.create({ name, f, type: onnx.AttributeProto.AttributeType.FLOAT });
export const attrString = (name: string, s: string) => onnx.AttributeProto.create({ name, s: new TextEncoder().encode(s), type: onnx.AttributeProto.AttributeType.STRING });

export function node(opType: string, name: string, input: string[], output: string[], attribute: ReturnType<typeof attrInt>[] = []): NodeProto {
  return onnx.NodeProto.create({ name, opType, input, output, attribute });
}

/** float32 value info; a string dim is symbolic (e.g. the batch 'N'). */
export function floatValueInfo(name: string, shape: Array<number | string>) {
  const dim = shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } } });
}

export interface ModelSpec {
  graphName: string;
  nodes: NodeProto[];
  initializers: TensorProto[];
  inputs: ReturnType<typeof floatValueInfo>[];
  outputs: ReturnType<typeof floatValueInfo>[];
  opset: number;
  producer: string;
  docString: string;
}

export function encodeModel(s: ModelSpec): Uint8Array {
  const graph = onnx.GraphProto.create({ name: s.graphName, node: s.nodes, initializer: s.initializers, input: s.inputs, output: s.outputs });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: s.opset }],
    producerName: s.producer,
    producerVersion: '1',
    graph,
    docString: s.docString,
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * TF conv kernel → ONNX Conv weight [out, in/group, kh, kw]. TF stores [kh, kw, in, out] for a
 * conv and [kh, kw, in, multiplier] for a depthwise conv (ONNX: group = in, out = in*multiplier).
 */
export function tfKernelToOnnx(shape: number[], values: Float32Array, depthwise: boolean): { dims: number[]; values: Float32Array } {
  const [kh, kw, cin, cx] = shape;
  const outCh = depthwise ? cin * cx : cx;
  const inPerGroup = depthwise ? 1 : cin;
  const w = new Float32Array(outCh * inPerGroup * kh * kw);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cx; o++) {
          const oc = depthwise ? i * cx + o : o;
          const ic = depthwise ? 0 : i;
          w[((oc * inPerGroup + ic) * kh + y) * kw + x] = values[((y * kw + x) * cin + i) * cx + o];
        }
  return { dims: [outCh, inPerGroup, kh, kw], values: w };
}

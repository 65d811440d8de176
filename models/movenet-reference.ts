/**
 * The original MoveNet (TF.js graph model from @vladmandic/human, pure-JS CPU backend of
 * @tensorflow/tfjs): the reference the ONNX conversion is checked and benchmarked against.
 * Conversion/check time only; the runtime never loads it.
 */
import * as tf from '@tensorflow/tfjs';
import { loadMovenet, MOVENET_HEADS } from './convert-movenet.js';

export interface MovenetReference {
  /** The original's output [y, x, score] x 17 (model-input fractions) for a 192x192x3 input. */
  keypoints(input: Float32Array): Float32Array;
  /** The same intermediate tensors the ONNX model exposes, by ONNX output name. */
  heads(input: Float32Array): Record<string, Float32Array>;
  version: string;
  dispose(): void;
}

export async function loadMovenetReference(humanDir: string): Promise<MovenetReference> {
  const { model, weightData, version } = loadMovenet(humanDir);
  await tf.setBackend('cpu');
  const buf = weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer;
  const graph = await tf.loadGraphModel(
    tf.io.fromMemory({ modelTopology: model.modelTopology as unknown as object, weightSpecs: model.weightsManifest[0].weights as tf.io.WeightsManifestEntry[], weightData: buf }),
  );
  const asInput = (x: Float32Array) => tf.tensor4d(Int32Array.from(x), [1, 192, 192, 3], 'int32');
  return {
    version,
    keypoints: (x) =>
      tf.tidy(() => {
        const out = graph.execute(asInput(x)) as tf.Tensor;
        return out.dataSync() as Float32Array;
      }),
    heads: (x) =>
      tf.tidy(() => {
        const outs = graph.execute(asInput(x), MOVENET_HEADS.map((h) => h.tf)) as tf.Tensor[];
        return Object.fromEntries(MOVENET_HEADS.map((h, i) => [h.name, outs[i].dataSync() as Float32Array]));
      }),
    dispose: () => graph.dispose(),
  };
}

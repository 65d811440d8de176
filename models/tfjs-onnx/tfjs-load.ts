/**
 * Loads a TF.js graph model (as read by human-package.ts) into @tensorflow/tfjs on its pure-JS
 * CPU backend: the reference the ONNX conversions are checked against. Check/benchmark time
 * only (tfjs is a devDependency; the runtime never loads it).
 */
import * as tf from '@tensorflow/tfjs';
import type { TfjsGraphModel } from './graph.js';

export async function loadTfjsGraph(model: TfjsGraphModel, weightData: Uint8Array): Promise<tf.GraphModel> {
  await tf.setBackend('cpu');
  const buf = weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer;
  const weightSpecs = model.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology: model.modelTopology as unknown as object, weightSpecs, weightData: buf }));
}

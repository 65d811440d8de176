import type { Context } from '../context.js';
import { service } from '../context.js';
import { createEmbedder } from '../vision/create-embedder.js';
import type { ClipEmbedder } from '../vision/embedder.js';
import { FaceDetector } from '../vision/face-detector.js';
import { parseMaskRects, type MaskRect } from '../vision/privacy-mask.js';
import { ConfigError } from '../config.js';
import path from 'node:path';

/** The process's embedder, chosen once; the choice and its reason are logged once. */
export function getEmbedder(ctx: Context): Promise<ClipEmbedder> {
  return service(ctx, 'embedder', async () => {
    const c = ctx.config;
    const { embedder, reason } = await createEmbedder({
      backend: c.EMBEDDER_BACKEND,
      modelPath: c.ONNX_MODEL_PATH ?? path.resolve(c.MODELS_DIR, 'mobilenet_v2/mobilenet_v2_features.onnx'),
      batchSize: c.EMBEDDER_BATCH_SIZE,
      useGpu: c.USE_GPU,
      workWeight: c.EMBEDDER_WORK_WEIGHT,
      motionWeight: c.EMBEDDER_MOTION_WEIGHT,
      backboneView: c.EMBEDDER_BACKBONE_VIEW,
    });
    ctx.log.info({ embedder: embedder.name, version: embedder.version, dim: embedder.dim, reason }, 'embedder selected');
    return embedder;
  });
}

export function getFaceDetector(ctx: Context): Promise<FaceDetector> {
  return service(ctx, 'face-detector', () => FaceDetector.create({ modelPath: path.resolve(ctx.config.MODELS_DIR, 'blazeface/face_detection_back_256x256_barracuda.onnx') }));
}

export function maskRects(ctx: Context): MaskRect[] {
  const spec = ctx.config.PRIVACY_MASK_RECTS;
  if (!spec) return [];
  try {
    return parseMaskRects(spec);
  } catch (e) {
    throw new ConfigError('SOPILOT_PRIVACY_MASK_RECTS', (e as Error).message);
  }
}

// The static scene of a video: the per-pixel median of frames spread over the whole recording,
// at a resolution keypoints can work with (640 px wide). Moving things (an arm, a person walking
// by) are in few of the frames and drop out; what is left is what registration matches.
import type { Frame } from '../vision/frame.js';
import { decodeFrames, type SideOutput } from '../media/decode.js';
import { medianFrame, toGrey, type GreyImage } from './image.js';

export const STILL_WIDTH = 640;
/** Frames the median is taken over (spread evenly over the video). */
export const STILL_FRAMES = 48;

export function stillSize(srcW: number, srcH: number): { width: number; height: number } {
  const width = Math.min(STILL_WIDTH, srcW) & ~1;
  return { width, height: Math.max(2, Math.round((srcH * width) / srcW / 2) * 2) };
}

/** Fewer key frames than this and the still is taken from a sampled full decode instead. */
const MIN_KEYFRAMES = 12;

/**
 * The sampled full decode the still falls back to: about STILL_FRAMES frames over the video (at
 * most 2 a second), stretched to stillSize. Exported so the frame decode of clip-extract can
 * produce these frames as a second output of its own decode (decodeFramesTee) instead of the
 * video being decoded a second time.
 */
export function stillFallbackDecode(o: { durationSec: number; srcW: number; srcH: number }): Required<SideOutput> {
  return { ...stillSize(o.srcW, o.srcH), fps: Math.min(2, STILL_FRAMES / Math.max(1, o.durationSec)), resize: 'stretch' };
}

/**
 * Takes the median of about STILL_FRAMES frames spread over the video, as grey. Key frames when
 * the video has enough of them (cameras and phones put one every 1-2 s; decoding only those is
 * about 5x cheaper than decoding everything), else frames sampled from a full decode
 * (stillFallbackDecode): `fallbackFrames` when the caller has them from a decode of its own
 * (called only when they are needed; `fallbackUnused` is called otherwise), else decoded here.
 */
export async function sceneStill(
  file: string,
  o: {
    ffmpegPath: string; durationSec: number; srcW: number; srcH: number; mask?: (f: Frame) => void;
    fallbackFrames?: () => Promise<Frame[]>; fallbackUnused?: () => void;
  },
): Promise<GreyImage> {
  const fb = stillFallbackDecode(o);
  const base = { width: fb.width, height: fb.height, resize: fb.resize, ffmpegPath: o.ffmpegPath, strict: false };
  let frames: Frame[] = [];
  for await (const f of decodeFrames(file, { ...base, fps: 1, keyframesOnly: true })) frames.push(f.frame);
  if (frames.length >= MIN_KEYFRAMES) {
    o.fallbackUnused?.();
    const step = frames.length / Math.min(STILL_FRAMES, frames.length);
    frames = Array.from({ length: Math.min(STILL_FRAMES, frames.length) }, (_, i) => frames[Math.floor(i * step)]);
  } else if (o.fallbackFrames) {
    frames = await o.fallbackFrames();
  } else {
    frames = [];
    for await (const f of decodeFrames(file, { ...base, fps: fb.fps })) frames.push(f.frame);
  }
  if (!frames.length) throw new Error('no frames for the scene still');
  for (const f of frames) o.mask?.(f);
  return toGrey(medianFrame(frames));
}

/** Stored form: a small header line then the bytes (0..255 grey). */
export function encodeStill(img: GreyImage): Buffer {
  const head = Buffer.from(`SOPILOT-STILL ${img.width} ${img.height}\n`, 'ascii');
  const body = Buffer.alloc(img.width * img.height);
  for (let i = 0; i < body.length; i++) body[i] = Math.max(0, Math.min(255, Math.round(img.data[i])));
  return Buffer.concat([head, body]);
}

export function decodeStill(buf: Buffer): GreyImage {
  const nl = buf.indexOf(10);
  const m = /^SOPILOT-STILL (\d+) (\d+)$/.exec(buf.subarray(0, Math.max(0, nl)).toString('ascii'));
  if (!m) throw new Error('not a scene still');
  const width = Number(m[1]);
  const height = Number(m[2]);
  const body = buf.subarray(nl + 1);
  if (body.length !== width * height) throw new Error(`scene still holds ${body.length} bytes, expected ${width * height}`);
  return { width, height, data: Float32Array.from(body) };
}

/** The still resampled to w x h (box filter), e.g. the background of the stored 224 px frames. */
export function resizeGrey(img: GreyImage, w: number, h: number): GreyImage {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * img.height) / h);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * img.height) / h));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * img.width) / w);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * img.width) / w));
      let s = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += img.data[yy * img.width + xx];
      out[y * w + x] = s / ((x1 - x0) * (y1 - y0));
    }
  }
  return { width: w, height: h, data: out };
}

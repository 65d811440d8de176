import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import { openUploadSink } from '../store/sink.js';
import type { Context } from '../context.js';
import { PermanentError } from '../errors.js';
import { probeVideo, VideoProbeError } from '../media/probe.js';
import { decodeFrames, decodeFramesTee, VideoDecodeError } from '../media/decode.js';
import { planClips } from '../media/clips.js';
import { resolveFfmpegPath, resolveFfprobePath } from '../media/binaries.js';
import { trackChild } from '../media/children.js';
import { applyPrivacyMask } from '../vision/privacy-mask.js';
import { getFaceDetector, maskRects } from './services.js';
import { withLocalCopy } from './local-copy.js';
import { clipsKey, framesKey, playbackKey, stillKey, type ClipsManifest } from './keys.js';
import { encodeStill, sceneStill, stillFallbackDecode } from '../perception/scene-still.js';

/** Encodes masked frames into an mp4 for playback, so viewers never see unmasked footage. */
function startPlaybackEncoder(ffmpegPath: string, w: number, h: number, fps: number) {
  const out = new PassThrough();
  const p = trackChild(spawn(ffmpegPath, [
    '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${w}x${h}`, '-r', String(fps), '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-movflags', 'frag_keyframe+empty_moov', '-f', 'mp4', 'pipe:1',
  ]));
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += String(d)).slice(-2000));
  p.stdout.pipe(out);
  const done = new Promise<void>((resolve, reject) => {
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`playback encoder exited ${code}: ${stderr.trim()}`))));
  });
  p.stdin.on('error', () => undefined); // EPIPE after a kill; the exit status reports it
  return { stdin: p.stdin, out, done, kill: () => p.kill('SIGKILL') };
}

/** Playback size: the source's, at most 960 px wide, even dimensions (H.264 4:2:0). */
export function playbackSize(w: number, h: number, maxW = 960): { width: number; height: number } {
  const width = Math.min(maxW, w) & ~1;
  const height = Math.max(2, Math.round((h * width) / w / 2) * 2);
  return { width, height };
}

/**
 * The rendition viewers get when masking is on: the whole video at playback size and up to
 * 15 fps, each frame masked (static rectangles, detected faces) before it is encoded. The
 * unmasked original is never served while masking is on.
 */
async function renderMaskedPlayback(
  ctx: Context,
  videoId: string,
  file: string,
  info: { width: number; height: number; fps: number },
  ffmpegPath: string,
  rects: ReturnType<typeof maskRects>,
  faces: Awaited<ReturnType<typeof getFaceDetector>> | null,
): Promise<void> {
  const { width, height } = playbackSize(info.width, info.height);
  const fps = Math.min(15, info.fps > 0 ? info.fps : 15);
  const encoder = startPlaybackEncoder(ffmpegPath, width, height, fps);
  const upload = ctx.store.put(playbackKey(videoId), encoder.out, { contentType: 'video/mp4' });
  // A failed upload (store outage) stops the encoder, so the loop below is not left waiting on it.
  let uploadError: Error | null = null;
  upload.catch((e: Error) => {
    uploadError = e;
    encoder.stdin.destroy();
    encoder.kill();
  });
  try {
    for await (const f of decodeFrames(file, { fps, width, height, resize: 'stretch', ffmpegPath, strict: false })) {
      const faceBoxes = faces ? await faces.detect(f.frame) : [];
      applyPrivacyMask(f.frame, { rects, mode: ctx.config.PRIVACY_MASK_MODE, faceBoxes });
      const buf = Buffer.from(f.frame.data.buffer, f.frame.data.byteOffset, f.frame.data.byteLength);
      if (uploadError) throw uploadError;
      if (!encoder.stdin.write(buf)) await Promise.race([once(encoder.stdin, 'drain'), upload]);
    }
    encoder.stdin.end();
    await Promise.all([encoder.done, upload]);
  } catch (e) {
    encoder.stdin.destroy();
    encoder.kill();
    await upload.catch(() => undefined);
    await ctx.store.delete(playbackKey(videoId)).catch(() => undefined);
    throw uploadError ?? e;
  }
}

/**
 * clip-extract: probe, decode at a fixed rate and size (streaming), privacy-mask every frame
 * before anything else sees it, store the frames and the clip plan under derived/<video_id>/.
 */
export async function extractClips(ctx: Context, videoId: string, objectKey: string): Promise<ClipsManifest> {
  const c = ctx.config;
  const ffmpegPath = resolveFfmpegPath(c.FFMPEG_PATH);
  const ffprobePath = resolveFfprobePath(c.FFPROBE_PATH);
  const size = c.FRAME_SIZE;
  const masking = c.PRIVACY_MASK_ENABLED;
  const rects = masking ? maskRects(ctx) : [];
  const faces = masking && c.PRIVACY_FACE_BLUR ? await getFaceDetector(ctx) : null;

  return withLocalCopy(ctx.store, objectKey, async (file) => {
    let info;
    try {
      info = await probeVideo(file, { ffprobePath });
    } catch (e) {
      if (e instanceof VideoProbeError) throw new PermanentError(`video cannot be read (${e.code}): ${e.message}`, e.code);
      throw e;
    }
    // The static scene, for camera registration against the gold (masked like every frame): from
    // the key frames (a cheap decode of its own, alongside the frame decode), or, when the video
    // has few of them, from a second output of the frame decode below (decodeFramesTee: the same
    // frames a separate sampled decode gives, without decoding the video twice).
    const tee = decodeFramesTee(
      file,
      { fps: c.SAMPLE_FPS, width: size, height: size, resize: 'pad', ffmpegPath },
      stillFallbackDecode({ durationSec: info.duration_sec, srcW: info.width, srcH: info.height }),
    );
    const stillJob = sceneStill(file, {
      ffmpegPath, durationSec: info.duration_sec, srcW: info.width, srcH: info.height,
      mask: masking ? (f) => applyPrivacyMask(f, { rects, mode: c.PRIVACY_MASK_MODE, faceBoxes: [] }) : undefined,
      fallbackFrames: () => tee.side,
      fallbackUnused: () => tee.discardSide(),
    });
    // Awaited below; a failure here must not go unhandled while the frames are decoded.
    stillJob.catch(() => undefined);
    const frameBytes = size * size * 3;
    const frames = openUploadSink(ctx.store, framesKey(videoId), { contentType: 'application/octet-stream' }, frameBytes * 4);
    let count = 0;
    try {
      for await (const f of tee.frames) {
        if (masking) {
          const faceBoxes = faces ? await faces.detect(f.frame) : [];
          applyPrivacyMask(f.frame, { rects, mode: c.PRIVACY_MASK_MODE, faceBoxes });
        }
        const buf = Buffer.from(f.frame.data.buffer, f.frame.data.byteOffset, f.frame.data.byteLength);
        // Backpressure: wait when the store is slower than the decoder, so memory stays bounded;
        // a failed upload rejects here (and stops ffmpeg by leaving the loop).
        await frames.write(buf);
        count++;
      }
      await frames.end();
    } catch (e) {
      await frames.abort();
      if (e instanceof VideoDecodeError && e.code === 'decode_failed') {
        throw new PermanentError(`video is damaged and cannot be decoded: ${e.message}`, 'corrupt_video');
      }
      throw e;
    }
    if (count === 0) throw new PermanentError('video has no decodable frames', 'corrupt_video');
    if (masking) await renderMaskedPlayback(ctx, videoId, file, info, ffmpegPath, rects, faces);
    const still = await stillJob;
    await ctx.store.put(stillKey(videoId), encodeStill(still), { contentType: 'application/octet-stream' });
    const clips = planClips(count, c.SAMPLE_FPS, { clipFrames: c.CLIP_FRAMES, stride: c.CLIP_STRIDE });
    const manifest: ClipsManifest = {
      video_id: videoId,
      fps: c.SAMPLE_FPS,
      width: size,
      height: size,
      frame_count: count,
      duration_sec: info.duration_sec,
      masked: masking,
      source: { width: info.width, height: info.height, fps: info.fps, codec: info.codec, duration_sec: info.duration_sec },
      clips: clips.map((s) => ({ index: s.index, start_frame: s.start_frame, end_frame: s.end_frame, start_sec: s.start_sec, end_sec: s.end_sec })),
    };
    await ctx.store.put(clipsKey(videoId), JSON.stringify(manifest), { contentType: 'application/json' });
    return manifest;
  });
}

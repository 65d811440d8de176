// Streams a video as fixed-size rgb24 frames at a fixed sampling rate, through ffmpeg
// (spawned directly) writing rawvideo to a pipe. Memory stays bounded whatever the video's
// length: frames are cut from the pipe one at a time and the pipe is not read while the
// consumer is busy, so ffmpeg blocks on its write instead of running ahead.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { resolveFfmpegPath } from './binaries.js';
import { trackChild } from './children.js';

export interface RgbFrame {
  width: number;
  height: number;
  /** width*height*3 bytes, row-major, R G B per pixel. */
  data: Uint8Array;
}

export interface DecodedFrame {
  index: number;
  /** index / fps: the sampling instant, from the start of the video. */
  time_sec: number;
  frame: RgbFrame;
}

/**
 * How the source picture is fitted into width x height:
 *  - 'pad' (default): scaled to fit whole, aspect kept, centred on black bars (letterbox).
 *    Nothing is cut off and nothing is distorted, which suits privacy masks and any model.
 *  - 'stretch': scaled to exactly width x height, aspect not kept.
 *  - 'crop': scaled to cover, aspect kept, centre cut out (loses the edges).
 */
export type ResizeMode = 'pad' | 'stretch' | 'crop';

export interface DecodeOptions {
  /** Frames per second to sample (the fps filter: nearest source frame to each instant). */
  fps: number;
  width: number;
  height: number;
  resize?: ResizeMode;
  ffmpegPath?: string;
  signal?: AbortSignal;
  /**
   * true (default): ffmpeg stops at the first decode error (-xerror), and the iterator
   * throws, so a damaged file is never scored on half its frames. false: damaged packets
   * are skipped, as players do.
   */
  strict?: boolean;
  /**
   * Decode key frames only (-skip_frame nokey), each as it is (no resampling to `fps`): a cheap
   * sample spread over the video, several times faster than a full decode.
   */
  keyframesOnly?: boolean;
}

export class VideoDecodeError extends Error {
  readonly code: 'decode_failed' | 'aborted';
  constructor(
    code: 'decode_failed' | 'aborted',
    message: string,
    /** ffmpeg's last stderr lines. */
    readonly stderrTail: string = '',
  ) {
    super(message);
    this.name = 'VideoDecodeError';
    this.code = code;
  }
}

/** The -vf chain: sample, fit, convert. Exported for tests and documentation. */
export function buildDecodeFilter(o: { fps: number; width: number; height: number; resize?: ResizeMode }): string {
  const { fps, width: w, height: h } = o;
  const fit =
    (o.resize ?? 'pad') === 'stretch'
      ? [`scale=${w}:${h}`, 'format=rgb24']
      : o.resize === 'crop'
        ? [`scale=${w}:${h}:force_original_aspect_ratio=increase`, 'format=rgb24', `crop=${w}:${h}`]
        : // pad after the rgb conversion, so odd bar sizes are exact (no chroma subsampling).
          [`scale=${w}:${h}:force_original_aspect_ratio=decrease`, 'format=rgb24', `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:black`];
  return [`fps=${fps}`, ...fit, 'setsar=1'].join(',');
}

function tail(text: string | null | undefined, n = 8): string {
  return (text ?? '').split(/\r?\n/).filter((l) => l.trim() !== '').slice(-n).join('\n');
}

/**
 * Cuts a raw rgb24 byte stream into whole frames as chunks arrive (a chunk may end inside a
 * frame); `pending` is the bytes of an unfinished frame, which must be 0 when the stream ends.
 */
export class RawFrameSplitter {
  private cur: Uint8Array;
  private filled = 0;
  readonly frameBytes: number;
  /** keep = false: count the bytes, build no frames (an output nobody will read). */
  constructor(readonly width: number, readonly height: number, public keep = true) {
    this.frameBytes = width * height * 3;
    this.cur = new Uint8Array(this.frameBytes);
  }
  get pending(): number {
    return this.filled;
  }
  /** The frames completed by this chunk, in order. */
  push(chunk: Uint8Array): RgbFrame[] {
    const out: RgbFrame[] = [];
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(this.frameBytes - this.filled, chunk.length - off);
      if (this.keep) this.cur.set(chunk.subarray(off, off + n), this.filled);
      this.filled += n;
      off += n;
      if (this.filled === this.frameBytes) {
        if (this.keep) out.push({ width: this.width, height: this.height, data: this.cur });
        this.cur = new Uint8Array(this.frameBytes);
        this.filled = 0;
      }
    }
    return out;
  }
}

/** A decode's rate and frame size must be positive (integer sizes); `fn` names the caller in the error. */
function checkShape(fn: string, o: { fps: number; width: number; height: number }): void {
  if (!(o.fps > 0) || !Number.isInteger(o.width) || !Number.isInteger(o.height) || o.width <= 0 || o.height <= 0) {
    throw new RangeError(`${fn}: bad fps/size ${o.fps} ${o.width}x${o.height}`);
  }
}

/** Options every decode passes ffmpeg (global ones: their place on the command line does not matter). */
function commonArgs(strict: boolean | undefined): string[] {
  return ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'warning', ...(strict === false ? [] : ['-xerror'])];
}

/** One rawvideo output, to `pipe`; audio, subtitle and data streams are dropped. */
function rawOutput(pipe: string): string[] {
  return ['-an', '-sn', '-dn', '-pix_fmt', 'rgb24', '-f', 'rawvideo', pipe];
}

/** ffmpeg's stderr, as lines (\r, \n or \r\n), the last 39 kept: what fluent-ffmpeg kept. */
class StderrLines {
  private text = '';
  private cut = false;
  append(s: string): void {
    this.text += s;
    if (this.text.length > 64 * 1024) {
      this.text = this.text.slice(-32 * 1024);
      this.cut = true;
    }
  }
  lines(): string[] {
    const ls = this.text.split(/\r\n|\r|\n/);
    return ls.slice(this.cut ? 1 : 0).slice(-39);
  }
}

/**
 * The message of a failed exit, worded as fluent-ffmpeg worded it when decodeFrames used it:
 * "ffmpeg exited with code N: " and the first line after the last one starting with ' ' or '['
 * (ffmpeg's own summary; often empty), or the signal that killed it.
 */
function exitMessage(code: number | null, signal: NodeJS.Signals | null, lines: string[]): string {
  if (signal) return `ffmpeg was killed with signal ${signal}`;
  let start = 0;
  lines.forEach((l, i) => {
    if (l.startsWith(' ') || l.startsWith('[')) start = i + 1;
  });
  return `ffmpeg exited with code ${code}: ${lines[start] ?? ''}`;
}

/**
 * Runs ffmpeg with `args` and yields the rgb24 frames of its stdout (o.width x o.height, timed at
 * o.fps). The process handling of both decoders: the stderr tail for error messages, failures as
 * VideoDecodeError ('decode_failed', or 'aborted' once `o.signal` fired), ffmpeg killed on abort
 * and when the consumer stops iterating. `extraPipes` > 0 opens fds 3.. for more outputs, handed
 * to `onPipes` at spawn; they must be read eagerly, or ffmpeg blocks writing them. The generator
 * returns only after ffmpeg has exited cleanly, so those pipes have then delivered everything.
 */
async function* ffmpegFrames(
  path: string,
  args: string[],
  o: { fps: number; width: number; height: number; ffmpegPath?: string; signal?: AbortSignal },
  extraPipes = 0,
  onPipes?: (pipes: Readable[]) => void,
): AsyncGenerator<DecodedFrame, void, undefined> {
  if (o.signal?.aborted) throw new VideoDecodeError('aborted', 'decode aborted before start');
  const bin = resolveFfmpegPath(o.ffmpegPath);
  const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'pipe', 'pipe', ...Array<'pipe'>(extraPipes).fill('pipe')];
  const child = trackChild(spawn(bin, args, { stdio }));
  const stderr = new StderrLines();
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => stderr.append(s));
  child.stdout!.on('error', () => undefined); // the read below or the exit status reports it
  onPipes?.(child.stdio.slice(3) as Readable[]);

  let exited = false;
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (err) => {
      exited = true;
      reject(new VideoDecodeError('decode_failed', `ffmpeg failed decoding ${path}: ${err.message.split('\n')[0]}`));
    });
    // 'close': exited and every pipe drained (the extra outputs' last bytes are in).
    child.on('close', (code, signal) => {
      exited = true;
      if (code === 0) return resolve();
      const lines = stderr.lines();
      const t = tail(lines.join('\n'));
      reject(new VideoDecodeError('decode_failed', `ffmpeg failed decoding ${path}: ${exitMessage(code, signal, lines)}${t ? `\n${t}` : ''}`, t));
    });
  });
  done.catch(() => undefined); // observed below; not when the consumer leaves early

  // Fail the read at once, not after the frames already buffered.
  const onAbort = () => {
    child.stdout!.destroy(new VideoDecodeError('aborted', `decode of ${path} aborted`));
    child.kill('SIGKILL');
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });

  let index = 0;
  const split = new RawFrameSplitter(o.width, o.height);
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      for (const frame of split.push(chunk)) {
        yield { index, time_sec: index / o.fps, frame };
        index++;
      }
    }
    await done; // stdout closes before the exit status is known
    if (o.signal?.aborted) throw new VideoDecodeError('aborted', `decode of ${path} aborted`);
    if (split.pending !== 0) throw new VideoDecodeError('decode_failed', `ffmpeg output ended inside a frame (${split.pending}/${split.frameBytes} bytes)`);
  } catch (err) {
    if (o.signal?.aborted && !(err instanceof VideoDecodeError && err.code === 'aborted')) {
      throw new VideoDecodeError('aborted', `decode of ${path} aborted`);
    }
    // A failed exit often shows first as the pipe ending early: report ffmpeg's own error.
    if (!(err instanceof VideoDecodeError)) await done;
    throw err;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    if (!exited) {
      child.kill('SIGKILL');
      child.stdout!.destroy();
    }
  }
}

/** Decodes `path` into frames; see DecodeOptions. Break out of the loop to stop ffmpeg early. */
export async function* decodeFrames(path: string, opts: DecodeOptions): AsyncGenerator<DecodedFrame, void, undefined> {
  checkShape('decodeFrames', opts);
  const kf = opts.keyframesOnly === true;
  const args = [
    ...commonArgs(opts.strict),
    ...(kf ? ['-skip_frame', 'nokey'] : []),
    '-i', path,
    // Key frames each as it is: no resampling to a rate (-vsync 0, no fps filter).
    ...(kf ? ['-vsync', '0'] : []),
    '-vf', kf ? buildDecodeFilter(opts).replace(/^fps=[^,]*,/, '') : buildDecodeFilter(opts),
    ...rawOutput('pipe:1'),
  ];
  yield* ffmpegFrames(path, args, opts);
}

/** Decodes up to `max` frames into memory (for short clips, tests and benchmarks). */
export async function collectFrames(path: string, opts: DecodeOptions, max = Infinity): Promise<DecodedFrame[]> {
  const out: DecodedFrame[] = [];
  if (max <= 0) return out;
  for await (const f of decodeFrames(path, opts)) {
    out.push(f);
    if (out.length >= max) break;
  }
  return out;
}

/** A second, smaller output of the same decode (see decodeFramesTee): frames kept in memory. */
export interface SideOutput {
  fps: number;
  width: number;
  height: number;
  resize?: ResizeMode;
}

export interface TeeDecode {
  /** The main frames, streamed with backpressure like decodeFrames; ffmpeg starts on the first read. */
  frames: AsyncGenerator<DecodedFrame, void, undefined>;
  /**
   * The side output's frames, all of them, once ffmpeg has exited cleanly; rejects when the decode
   * fails or the main loop is left early (it settles only once `frames` has been read).
   */
  side: Promise<RgbFrame[]>;
  /** The side frames are not needed: drop them as they come (the pipe is still drained). */
  discardSide(): void;
}

/**
 * The -filter_complex of decodeFramesTee: the decoded picture split in two, each branch the
 * buildDecodeFilter chain of its output. sws_flags=bicubic is what ffmpeg gives the scale filters
 * of a simple (-vf) graph; a complex graph's would otherwise be bilinear, and the pixels would
 * differ from decodeFrames'.
 */
export function buildTeeFilter(main: SideOutput, side: SideOutput): string {
  return `sws_flags=bicubic;[0:v]split=2[m][s];[m]${buildDecodeFilter(main)}[om];[s]${buildDecodeFilter(side)}[os]`;
}

/**
 * One ffmpeg decode with two outputs: the main frames as decodeFrames(path, main) yields them,
 * and a side output (other rate and size) collected in memory, byte-identical to
 * decodeFrames(path, { ...side, strict: main.strict }). The video is decoded once instead of twice,
 * which is most of the cost. The side output should be small (few frames): it is held whole.
 */
export function decodeFramesTee(path: string, main: DecodeOptions, side: SideOutput): TeeDecode {
  for (const o of [main, side]) checkShape('decodeFramesTee', o);
  if (main.keyframesOnly) throw new RangeError('decodeFramesTee: keyframesOnly is not supported');
  resolveFfmpegPath(main.ffmpegPath); // a missing binary fails here, at the call
  const args = [
    ...commonArgs(main.strict),
    '-i', path,
    '-filter_complex', buildTeeFilter(main, side),
    '-map', '[om]', ...rawOutput('pipe:1'),
    '-map', '[os]', ...rawOutput('pipe:3'),
  ];

  let sideResolve!: (f: RgbFrame[]) => void;
  let sideReject!: (e: Error) => void;
  const sidePromise = new Promise<RgbFrame[]>((res, rej) => {
    sideResolve = res;
    sideReject = rej;
  });
  sidePromise.catch(() => undefined); // observed by the caller; never unhandled here
  let discard = false;
  const sideFrames: RgbFrame[] = [];
  const sideSplit = new RawFrameSplitter(side.width, side.height);

  // The side pipe is read eagerly (it is small), so ffmpeg never blocks on it while the main
  // consumer applies backpressure on stdout.
  const readSide = ([pipe]: Readable[]) => {
    pipe.on('data', (chunk: Buffer) => {
      sideSplit.keep = !discard;
      sideFrames.push(...sideSplit.push(chunk));
    });
    pipe.on('error', () => undefined); // the exit status reports it
  };

  async function* run(): AsyncGenerator<DecodedFrame, void, undefined> {
    try {
      yield* ffmpegFrames(path, args, main, 1, readSide);
      if (sideSplit.pending !== 0) throw new VideoDecodeError('decode_failed', `ffmpeg side output ended inside a frame (${sideSplit.pending}/${sideSplit.frameBytes} bytes)`);
      sideResolve(sideFrames);
    } catch (err) {
      sideReject(err as Error);
      throw err;
    } finally {
      // Left early (the consumer's break): no-op when settled above.
      sideReject(new VideoDecodeError('aborted', `decode of ${path} left before its end`));
    }
  }
  return {
    frames: run(),
    side: sidePromise,
    discardSide: () => {
      discard = true;
      sideFrames.length = 0;
    },
  };
}

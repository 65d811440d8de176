// Cutting a frame sequence into overlapping clips of K frames every S frames: a pure plan,
// and a streaming assembler that produces the same clips while holding at most K frames.
//
// The rule (planClips and ClipAssembler agree on it exactly):
//  - n = 0 frames: no clips.
//  - n < K: one clip of all n frames [0, n) (a short video still gets a clip).
//  - otherwise regular clips start at 0, S, 2S, ... while start + K <= n.
//    The frames after the last regular clip (the tail, always fewer than S) get one more
//    full-length clip ending at the last frame, [n-K, n), when the tail is at least S/2
//    frames (rounded up); a shorter tail is already within S/2 frames of a clip's end and
//    is left out. Every clip but the short-video one has exactly K frames.

export interface ClipOptions {
  /** K: frames per clip (default 8). */
  clipFrames?: number;
  /** S: frames between clip starts (default 4). */
  stride?: number;
}

export interface ClipSpan {
  index: number;
  start_frame: number;
  /** exclusive */
  end_frame: number;
  start_sec: number;
  /** end_frame / fps */
  end_sec: number;
}

function params(opts: ClipOptions): { K: number; S: number } {
  const K = opts.clipFrames ?? 8;
  const S = opts.stride ?? 4;
  if (!Number.isInteger(K) || K < 1) throw new RangeError(`clipFrames must be a positive integer, got ${K}`);
  if (!Number.isInteger(S) || S < 1) throw new RangeError(`stride must be a positive integer, got ${S}`);
  return { K, S };
}

function span(index: number, start: number, end: number, fps: number): ClipSpan {
  return { index, start_frame: start, end_frame: end, start_sec: start / fps, end_sec: end / fps };
}

/** Whether a tail clip [n-K, n) follows the last regular clip, given the frame count. */
function tailClipStart(n: number, K: number, S: number): number | null {
  if (n < K) return null;
  const lastStart = Math.floor((n - K) / S) * S;
  const tailLen = n - (lastStart + K);
  return tailLen > 0 && tailLen >= Math.ceil(S / 2) ? n - K : null;
}

/** The clips of a video of frameCount frames sampled at fps. */
export function planClips(frameCount: number, fps: number, opts: ClipOptions = {}): ClipSpan[] {
  const { K, S } = params(opts);
  if (!Number.isInteger(frameCount) || frameCount < 0) throw new RangeError(`frameCount must be a non-negative integer, got ${frameCount}`);
  if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`);
  if (frameCount === 0) return [];
  if (frameCount < K) return [span(0, 0, frameCount, fps)];
  const clips: ClipSpan[] = [];
  for (let s = 0; s + K <= frameCount; s += S) clips.push(span(clips.length, s, s + K, fps));
  const t = tailClipStart(frameCount, K, S);
  if (t !== null) clips.push(span(clips.length, t, frameCount, fps));
  return clips;
}

export interface AssembledClip<T> {
  clip: ClipSpan;
  /** The clip's frames in order (the same objects that were pushed). */
  frames: T[];
}

/**
 * Consumes frames one at a time and hands back each clip as soon as its last frame arrives,
 * keeping at most K frames. Call finish() after the last frame for the tail/short-video clip.
 * Frames are shared between overlapping clips, so a pipeline can embed each frame once.
 */
export class ClipAssembler<T> {
  private readonly K: number;
  private readonly S: number;
  private readonly buf: T[] = [];
  /** Frame index of buf[0]. */
  private bufStart = 0;
  private count = 0;
  private emitted = 0;
  private finished = false;

  constructor(
    private readonly fps: number,
    opts: ClipOptions = {},
  ) {
    ({ K: this.K, S: this.S } = params(opts));
    if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`);
  }

  /** Frames seen so far. */
  get frameCount(): number {
    return this.count;
  }

  /** Frames currently held (never more than K). */
  get buffered(): number {
    return this.buf.length;
  }

  push(frame: T): AssembledClip<T>[] {
    if (this.finished) throw new Error('ClipAssembler: push after finish');
    this.buf.push(frame);
    this.count++;
    if (this.buf.length > this.K) {
      this.buf.shift();
      this.bufStart++;
    }
    const n = this.count;
    const out: AssembledClip<T>[] = [];
    // A regular clip ends at this frame when its start (n - K) is a multiple of S.
    if (n >= this.K && (n - this.K) % this.S === 0) {
      out.push(this.make(n - this.K, n));
    }
    return out;
  }

  /** Ends the stream; returns the tail clip or the short-video clip, if any. */
  finish(): AssembledClip<T>[] {
    if (this.finished) return [];
    this.finished = true;
    const n = this.count;
    if (n === 0) return [];
    if (n < this.K) return [this.make(0, n)];
    const t = tailClipStart(n, this.K, this.S);
    return t === null ? [] : [this.make(t, n)];
  }

  private make(start: number, end: number): AssembledClip<T> {
    const frames = this.buf.slice(start - this.bufStart, end - this.bufStart);
    return { clip: span(this.emitted++, start, end, this.fps), frames };
  }
}

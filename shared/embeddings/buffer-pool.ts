/**
 * Memory reused for vectors read per score job (the trainee's, and a gold's first read: ~9 MB
 * at 500 x 4608; the score jobs' prepared-gold cache gives a gold's back when it drops it). A fresh
 * multi-MB ArrayBuffer per job is what made V8 run a full (mostly concurrent) garbage collection
 * about once per job, tens of ms of CPU on its helper threads (benchmarks/score/threads.ts).
 * takeBytes lends a buffer; the caller gives it back with giveBackBytes once nothing reads the
 * vectors any more (compute.ts releaseScoreInputs). A buffer never given back is simply
 * collected; one given back twice, or never lent, is ignored. At most MAX_FREE wait here (the
 * most recently given back).
 */
const MAX_FREE = 2;
const free: ArrayBuffer[] = [];
const lent = new WeakSet<ArrayBuffer>();

/** A Buffer of exactly `size` bytes (contents undefined) over memory lent from the pool. */
export function takeBytes(size: number): Buffer {
  let best = -1;
  // The smallest free one that fits without wasting more than half of it.
  for (let i = 0; i < free.length; i++) {
    const n = free[i].byteLength;
    if (n >= size && n <= 2 * size && (best < 0 || n < free[best].byteLength)) best = i;
  }
  const ab = best >= 0 ? free.splice(best, 1)[0] : (Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer);
  lent.add(ab);
  return Buffer.from(ab, 0, size);
}

/** Returns the memory under `ab` (a lent buffer's .buffer) for the next takeBytes. */
export function giveBackBytes(ab: ArrayBufferLike): void {
  if (!(ab instanceof ArrayBuffer) || !lent.has(ab)) return;
  lent.delete(ab);
  // The newest in, the oldest out: the sizes in use now (another dimension or clip count) win
  // over those of earlier jobs.
  free.push(ab);
  if (free.length > MAX_FREE) free.shift();
}

export const freeBuffers = () => free.length;

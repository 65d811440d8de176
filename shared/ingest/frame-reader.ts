import type { Readable } from 'node:stream';
import type { Frame } from '../vision/frame.js';

/** Cuts a stream of raw rgb24 bytes into frames of w x h, yielding batches of up to `batch` frames. */
export async function* readFrameBatches(body: Readable, w: number, h: number, batch: number): AsyncGenerator<Frame[]> {
  const size = w * h * 3;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let out: Frame[] = [];
  for await (const chunk of body) {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    while (buf.length > 0) {
      const need = size - pendingLen;
      const take = Math.min(need, buf.length);
      pending.push(buf.subarray(0, take));
      pendingLen += take;
      buf = buf.subarray(take);
      if (pendingLen === size) {
        const data = new Uint8Array(Buffer.concat(pending, size));
        out.push({ width: w, height: h, data });
        pending = [];
        pendingLen = 0;
        if (out.length >= batch) {
          yield out;
          out = [];
        }
      }
    }
  }
  if (pendingLen !== 0) throw new Error(`frames object ends with a partial frame (${pendingLen} of ${size} bytes)`);
  if (out.length) yield out;
}

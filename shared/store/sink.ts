import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import type { ObjectInfo, ObjectStore, PutOptions } from './index.js';

export interface UploadSink {
  /** Resolves when the bytes are taken; rejects with the upload's error once the upload failed. */
  write(buf: Buffer): Promise<void>;
  /** Ends the body and waits for the stored object. */
  end(): Promise<ObjectInfo>;
  /** Stops the upload after a failure on the producing side; never throws. */
  abort(): Promise<void>;
}

/**
 * A streamed upload fed by a loop (decoded frames, an encoder's output). The loop waits when
 * the store is slower (bounded memory), and if the store fails mid-way (an outage) the next
 * write rejects with its error instead of waiting for a 'drain' that never comes.
 */
export function openUploadSink(store: ObjectStore, key: string, opts: PutOptions, highWaterMark = 1 << 20): UploadSink {
  const body = new PassThrough({ highWaterMark });
  let failure: Error | null = null;
  const upload = store.put(key, body, opts);
  const failed = new Promise<never>((_, reject) => {
    upload.catch((e: Error) => {
      failure = e;
      body.destroy();
      reject(e);
    });
  });
  failed.catch(() => undefined);
  return {
    async write(buf) {
      if (failure) throw failure;
      if (body.write(buf)) return;
      await Promise.race([once(body, 'drain'), failed]);
    },
    async end() {
      if (failure) throw failure;
      body.end();
      return upload;
    },
    async abort() {
      body.destroy();
      await upload.catch(() => undefined);
    },
  };
}

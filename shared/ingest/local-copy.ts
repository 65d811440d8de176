import { createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import type { ObjectStore } from '../store/index.js';

/** ffmpeg needs a seekable file: copy the object to a temp file, streaming; the caller removes it. */
export async function withLocalCopy<T>(store: ObjectStore, key: string, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sopilot-'));
  const file = path.join(dir, `${randomUUID()}${path.extname(key) || '.bin'}`);
  try {
    const obj = await store.get(key);
    await pipeline(obj.body, createWriteStream(file));
    return await fn(file);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import {
  ObjectNotFoundError,
  resolveRange,
  type ByteRange,
  type GetResult,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type ReadOptions,
  type ReadResult,
} from './index.js';

/** A folder used as object store: writes go to a temp file renamed into place, so readers never see half an object. */
export class LocalStore implements ObjectStore {
  readonly kind = 'local' as const;
  constructor(private readonly root: string) {}

  private file(key: string): string {
    if (!key || key.includes('..') || key.startsWith('/')) throw new Error(`invalid object key ${JSON.stringify(key)}`);
    return path.join(this.root, 'objects', key);
  }
  private meta(key: string): string {
    return this.file(key) + '.__meta.json';
  }

  async put(key: string, body: Readable | Buffer | string, opts: PutOptions = {}): Promise<ObjectInfo> {
    const dest = this.file(key);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    const tmp = path.join(path.dirname(dest), `.tmp-${randomUUID()}`);
    try {
      const src = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
      await pipeline(src, createWriteStream(tmp));
      await fs.writeFile(this.meta(key), JSON.stringify({ contentType: opts.contentType, metadata: opts.metadata ?? {} }));
      await fs.rename(tmp, dest);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    return (await this.head(key))!;
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const st = await fs.stat(this.file(key));
      let meta: { contentType?: string; metadata?: Record<string, string> } = {};
      try {
        meta = JSON.parse(await fs.readFile(this.meta(key), 'utf8'));
      } catch {
        /* objects dropped into the folder by hand have no metadata */
      }
      return { key, size: st.size, lastModified: st.mtime, contentType: meta.contentType, metadata: meta.metadata, etag: `${st.size}-${st.mtimeMs}` };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async get(key: string, range?: ByteRange): Promise<GetResult> {
    const info = await this.head(key);
    if (!info) throw new ObjectNotFoundError(key);
    const r = resolveRange(range, info.size);
    const body = info.size === 0 ? Readable.from([]) : createReadStream(this.file(key), r ? { start: r.start, end: r.end } : {});
    return { ...info, body, range: r };
  }

  /**
   * The whole object in one buffer of its size, read with as few reads as the kernel allows
   * (fs.readFile reads in 512 KB pieces: ~18 thread-pool round trips for a 9 MB vector blob),
   * into opts.alloc(size) when given; with its identity (size, etag, mtime as head() gives them;
   * not the content type or metadata: no sidecar read), from the open file: what is read is what
   * is identified. Null when opts.ifNoneMatch is still the file's etag (nothing read).
   */
  async read(key: string, opts: ReadOptions = {}): Promise<ReadResult | null> {
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(this.file(key), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFoundError(key);
      throw e;
    }
    try {
      const st = await fh.stat();
      const size = st.size;
      const info: ObjectInfo = { key, size, lastModified: st.mtime, etag: `${size}-${st.mtimeMs}` };
      if (opts.ifNoneMatch !== undefined && opts.ifNoneMatch === info.etag) return null;
      const buf = opts.alloc ? opts.alloc(size) : Buffer.allocUnsafeSlow(size);
      let off = 0;
      while (off < size) {
        const { bytesRead } = await fh.read(buf, off, Math.min(size - off, 1 << 30), off);
        if (!bytesRead) break;
        off += bytesRead;
      }
      return { info, bytes: off === size ? buf : buf.subarray(0, off) };
    } finally {
      await fh.close();
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.file(key), { force: true });
    await fs.rm(this.meta(key), { force: true });
    await this.pruneEmptyDirs(path.dirname(this.file(key)));
  }

  /** Removes the folders a deletion left empty, up to (not including) the objects root. */
  private async pruneEmptyDirs(dir: string): Promise<void> {
    const base = path.join(this.root, 'objects');
    for (let d = dir; d.startsWith(base + path.sep); d = path.dirname(d)) {
      try {
        await fs.rmdir(d); // fails on a folder that is not empty: stop there
      } catch {
        return;
      }
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const base = path.join(this.root, 'objects');
    const out: ObjectInfo[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (!e.name.endsWith('.__meta.json') && !e.name.startsWith('.tmp-')) {
          const key = path.relative(base, p).split(path.sep).join('/');
          if (key.startsWith(prefix)) {
            const st = await fs.stat(p);
            out.push({ key, size: st.size, lastModified: st.mtime });
          }
        }
      }
    };
    // Start from the deepest folder the prefix names, to avoid walking the whole store.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    await walk(path.join(base, dirPart));
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  async deletePrefix(prefix: string): Promise<number> {
    const items = await this.list(prefix);
    for (const i of items) await this.delete(i.key);
    return items.length;
  }

  async ping(): Promise<void> {
    await fs.mkdir(path.join(this.root, 'objects'), { recursive: true });
    await fs.access(path.join(this.root, 'objects'));
  }
}

import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import {
  ObjectNotFoundError,
  RangeNotSatisfiableError,
  StoreUnavailableError,
  type ByteRange,
  type GetResult,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type ReadOptions,
  type ReadResult,
} from './index.js';

export interface S3StoreOptions {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.$metadata?.httpStatusCode === 404;
}

/** A failure of the store itself (no answer, 5xx), as opposed to an answer about the object (404, 416, 403). */
function asUnavailable(e: unknown): unknown {
  const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (status !== undefined && status < 500) return e;
  return new StoreUnavailableError(`object store unavailable: ${(e as Error)?.message ?? String(e)}`);
}

/** S3-compatible store. Large bodies go up as multipart uploads (lib-storage) without buffering them whole. */
export class S3Store implements ObjectStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  constructor(private readonly opts: S3StoreOptions) {
    this.client = new S3Client({
      endpoint: opts.endpoint,
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      // A store that stops answering fails requests instead of holding them (and their callers) for ever.
      requestHandler: { connectionTimeout: 5000, requestTimeout: 120_000 },
      // Some S3-compatible servers reject the newer default checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.opts.bucket }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
      await this.client.send(new CreateBucketCommand({ Bucket: this.opts.bucket }));
    }
  }

  async put(key: string, body: Readable | Buffer | string, opts: PutOptions = {}): Promise<ObjectInfo> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.opts.bucket, Key: key, Body: body, ContentType: opts.contentType, Metadata: opts.metadata },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (e) {
      // lib-storage aborts the multipart upload on error (leavePartsOnError: false); make sure of it.
      await upload.abort().catch(() => undefined);
      throw asUnavailable(e);
    }
    const info = await this.head(key);
    if (!info) throw new Error(`object ${key} missing right after upload`);
    return info;
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: key }));
      return { key, size: r.ContentLength ?? 0, contentType: r.ContentType, etag: r.ETag, lastModified: r.LastModified, metadata: r.Metadata };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw asUnavailable(e);
    }
  }

  async get(key: string, range?: ByteRange): Promise<GetResult> {
    try {
      const r = await this.client.send(
        new GetObjectCommand({
          Bucket: this.opts.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end ?? ''}` : undefined,
        }),
      );
      let returned: { start: number; end: number } | undefined;
      let size = r.ContentLength ?? 0;
      if (r.ContentRange) {
        const m = /bytes (\d+)-(\d+)\/(\d+)/.exec(r.ContentRange);
        if (m) {
          returned = { start: Number(m[1]), end: Number(m[2]) };
          size = Number(m[3]);
        }
      } else if (range) {
        // Server ignored the range (whole object came back): report it as such.
        returned = undefined;
      }
      return {
        key,
        size,
        contentType: r.ContentType,
        etag: r.ETag,
        lastModified: r.LastModified,
        metadata: r.Metadata,
        body: r.Body as Readable,
        range: returned,
      };
    } catch (e) {
      if (isNotFound(e)) throw new ObjectNotFoundError(key);
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416) {
        const info = await this.head(key);
        throw new RangeNotSatisfiableError(info?.size ?? 0);
      }
      throw asUnavailable(e);
    }
  }

  /**
   * The whole object in one GET (no HEAD first: its size is the response's Content-Length), read
   * into opts.alloc(size) when given. With opts.ifNoneMatch, a conditional GET: null when the
   * server answers 304 (the etag still matches: no body sent). Missing: ObjectNotFoundError.
   */
  async read(key: string, opts: ReadOptions = {}): Promise<ReadResult | null> {
    let r;
    try {
      r = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: key, IfNoneMatch: opts.ifNoneMatch }));
    } catch (e) {
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 304) return null;
      if (isNotFound(e)) throw new ObjectNotFoundError(key);
      throw asUnavailable(e);
    }
    const info: ObjectInfo = { key, size: r.ContentLength ?? 0, contentType: r.ContentType, etag: r.ETag, lastModified: r.LastModified, metadata: r.Metadata };
    const body = r.Body as Readable;
    try {
      if (r.ContentLength === undefined) {
        // No length given (not seen from S3 itself): gathered, then copied once.
        const chunks: Buffer[] = [];
        for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
        const all = Buffer.concat(chunks);
        info.size = all.length;
        if (!opts.alloc) return { info, bytes: all };
        const bytes = opts.alloc(all.length);
        all.copy(bytes);
        return { info, bytes };
      }
      const size = r.ContentLength;
      const buf = opts.alloc ? opts.alloc(size) : Buffer.allocUnsafeSlow(size);
      let off = 0;
      for await (const chunk of body) {
        const c = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        if (off + c.length > size) throw new Error(`object ${key}: more bytes than its Content-Length ${size}`);
        c.copy(buf, off);
        off += c.length;
      }
      if (off !== size) throw new StoreUnavailableError(`object store unavailable: object ${key} ended after ${off} of ${size} bytes`);
      return { info, bytes: buf };
    } catch (e) {
      body.destroy();
      if (e instanceof StoreUnavailableError) throw e;
      throw asUnavailable(e);
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: key }));
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const r = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.opts.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of r.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0, etag: o.ETag, lastModified: o.LastModified });
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async deletePrefix(prefix: string): Promise<number> {
    const items = await this.list(prefix);
    for (let i = 0; i < items.length; i += 1000) {
      const batch = items.slice(i, i + 1000);
      try {
        await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.opts.bucket, Delete: { Objects: batch.map((o) => ({ Key: o.key })) } }),
        );
      } catch {
        // Some servers lack multi-delete: fall back to one by one.
        for (const o of batch) await this.delete(o.key);
      }
    }
    return items.length;
  }

  async ping(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.opts.bucket }));
    } catch (e) {
      throw asUnavailable(e);
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}

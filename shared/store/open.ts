import path from 'node:path';
import type { ObjectStore } from './index.js';
import { LocalStore } from './local.js';
import { S3Store } from './s3.js';

export interface OpenStoreOptions {
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  createBucket: boolean;
  /** Used when no endpoint is set. */
  dataDir: string;
}

export async function openStore(opts: OpenStoreOptions): Promise<ObjectStore> {
  if (!opts.endpoint) return new LocalStore(path.join(opts.dataDir, 'store'));
  const s3 = new S3Store({
    endpoint: opts.endpoint,
    bucket: opts.bucket,
    region: opts.region,
    accessKeyId: opts.accessKeyId ?? '',
    secretAccessKey: opts.secretAccessKey ?? '',
    forcePathStyle: opts.forcePathStyle,
  });
  if (opts.createBucket) await s3.ensureBucket();
  return s3;
}

import type { ObjectStore } from '../store/index.js';
import { sniffVideoContainer, type SniffedContainer } from './probe.js';

/** The media type of each container sniffVideoContainer recognises. */
export const CONTAINER_MEDIA_TYPE: Record<SniffedContainer, string> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  matroska: 'video/x-matroska',
  webm: 'video/webm',
  avi: 'video/x-msvideo',
  mpegts: 'video/mp2t',
  mpegps: 'video/mpeg',
  'mpeg-video': 'video/mpeg',
  flv: 'video/x-flv',
  ogg: 'video/ogg',
  asf: 'video/x-ms-asf',
};
const SERVABLE = new Set(Object.values(CONTAINER_MEDIA_TYPE));

/** The media type from a file's first bytes, never from what a client or a bucket said. */
export function mediaTypeOf(head: Uint8Array): string {
  const c = sniffVideoContainer(head);
  return c ? CONTAINER_MEDIA_TYPE[c] : 'application/octet-stream';
}

/** What GET /videos/:id/file may send: a video type this code assigned, else bytes (rows stored before probing). */
export function servedMediaType(stored: string | null | undefined): string {
  return stored && SERVABLE.has(stored) ? stored : 'application/octet-stream';
}

/** Probes a stored object's first bytes (bucket-dropped files). */
export async function sniffObjectMediaType(store: ObjectStore, key: string): Promise<string> {
  const r = await store.get(key, { start: 0, end: 1023 });
  const chunks: Buffer[] = [];
  for await (const c of r.body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return mediaTypeOf(Buffer.concat(chunks));
}

/** Content-Disposition for a download: an ASCII fallback name plus the UTF-8 one (RFC 6266). */
export function contentDisposition(kind: 'attachment' | 'inline', name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || 'download';
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name.slice(0, 200))}`;
}

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Content types of the files the UI ships; anything else is not served. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Maps a URL path below the mount point (already percent-decoded by the router, e.g. "app.js"
 * or "" for the index) to a file inside root, or null when it must not be served: parent
 * segments, dotfiles, backslashes, NUL bytes, unknown extensions, or anything resolving
 * outside root.
 */
export function resolveStaticPath(root: string, rel: string): string | null {
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  if (rel.includes('\0') || rel.includes('\\')) return null;
  const segments = rel.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.startsWith('.'))) return null;
  if (!(path.extname(rel).toLowerCase() in CONTENT_TYPES)) return null;
  const rootAbs = path.resolve(root);
  const file = path.resolve(rootAbs, ...segments);
  return file.startsWith(rootAbs + path.sep) ? file : null;
}

export interface StaticFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

/**
 * Reads static files, keeping each in memory until its size or mtime changes (the files are
 * small; editing them while the host runs shows up on the next request).
 */
export function createStaticReader(): (file: string) => Promise<StaticFile | null> {
  const cache = new Map<string, { key: string; file: StaticFile }>();
  return async (file) => {
    let key: string;
    try {
      const s = await stat(file);
      if (!s.isFile()) return null;
      key = `${s.size}:${s.mtimeMs}`;
    } catch {
      return null;
    }
    const hit = cache.get(file);
    if (hit && hit.key === key) return hit.file;
    const body = await readFile(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const entry = { body, etag, contentType: CONTENT_TYPES[path.extname(file).toLowerCase()] };
    cache.set(file, { key, file: entry });
    return entry;
  };
}

/** True when an If-None-Match header names this ETag (so a 304 answers). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

// Where the ffmpeg and ffprobe executables live: a configured system path wins, otherwise the
// static builds shipped through npm (@ffmpeg-installer/ffmpeg, @ffprobe-installer/ffprobe).
import { accessSync, chmodSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export class VideoBinaryError extends Error {
  readonly code = 'binary_missing';
  constructor(message: string) {
    super(message);
    this.name = 'VideoBinaryError';
  }
}

function checkExecutable(path: string, what: string, source: string): string {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new VideoBinaryError(`${what} not found or not executable at ${path} (${source})`);
  }
  return path;
}

function resolveBinary(override: string | undefined, pkg: string, what: string): string {
  if (override && override.trim() !== '') return checkExecutable(override, what, 'configured path');
  let shipped: string;
  try {
    shipped = (require(pkg) as { path: string }).path;
  } catch (err) {
    throw new VideoBinaryError(
      `${what}: no path configured and the npm package ${pkg} is not usable (${(err as Error).message}); ` +
        `install it or configure a system ${what} path`,
    );
  }
  ensureExecutableBit(shipped);
  return checkExecutable(shipped, what, `from ${pkg}`);
}

/**
 * The installer packages set the exec bit in a postinstall script (`chmod u+x`); an install
 * made with --ignore-scripts skips it, so do the same here when we can.
 */
function ensureExecutableBit(path: string): void {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    if (!existsSync(path)) return;
    try {
      chmodSync(path, statSync(path).mode | 0o111);
    } catch {
      // not ours to change: checkExecutable reports it
    }
  }
}

const cache = new Map<string, string>();

/** ffmpeg path: `override` (a configured system binary) or the npm-shipped build. Throws VideoBinaryError. */
export function resolveFfmpegPath(override?: string): string {
  const key = `ffmpeg:${override ?? ''}`;
  let p = cache.get(key);
  if (!p) cache.set(key, (p = resolveBinary(override, '@ffmpeg-installer/ffmpeg', 'ffmpeg')));
  return p;
}

/** ffprobe path: `override` (a configured system binary) or the npm-shipped build. Throws VideoBinaryError. */
export function resolveFfprobePath(override?: string): string {
  const key = `ffprobe:${override ?? ''}`;
  let p = cache.get(key);
  if (!p) cache.set(key, (p = resolveBinary(override, '@ffprobe-installer/ffprobe', 'ffprobe')));
  return p;
}

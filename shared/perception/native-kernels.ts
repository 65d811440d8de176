/**
 * The ingest kernels of the native addon (native/src/media_kernels.cc), each bit-identical to
 * the TypeScript it replaces (test/unit/media-kernels.test.ts checks they agree). The addon is
 * the DTW one (native/build/Release/sopilot_dtw.node), loaded here without its CUDA library and
 * without touching the alignment backend's load state. Missing or older addon: null, and the
 * callers run their TypeScript path.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { findReleaseDir } from '../alignment/native-backend.js';

export interface MediaKernels {
  /** out[p] = the (n >> 1)-th smallest of frames[k][p] (every frame at least out.length bytes). */
  medianU8(frames: Uint8Array[], out: Uint8Array): void;
}

let loaded: MediaKernels | null | undefined;
let enabled = true;

export function mediaKernels(): MediaKernels | null {
  if (!enabled) return null;
  if (loaded === undefined) {
    loaded = null;
    try {
      const dir = findReleaseDir();
      if (dir) {
        const addon = createRequire(import.meta.url)(join(dir, 'sopilot_dtw.node')) as Partial<MediaKernels>;
        if (typeof addon.medianU8 === 'function') loaded = addon as MediaKernels;
      }
    } catch {
      loaded = null; // a broken build: the TypeScript path
    }
  }
  return loaded;
}

/** Turns the native kernels off (false) or back on: for tests that compare both paths. */
export function setMediaKernelsEnabled(on: boolean): void {
  enabled = on;
}

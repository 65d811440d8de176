// The installed @vladmandic/human package, read only at conversion and check time (never at run time).
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TfjsGraphModel } from './graph.js';

/** Folder of the installed @vladmandic/human package. */
export function humanPackageDir(override?: string): string {
  if (override) return override;
  try {
    const main = createRequire(import.meta.url).resolve('@vladmandic/human');
    return main.slice(0, main.lastIndexOf('/dist/'));
  } catch {
    const fallback = '/work/pose-deps/node_modules/@vladmandic/human';
    if (existsSync(fallback)) return fallback;
    throw new Error('@vladmandic/human 3.3.6 not found: npm install --prefix /work/pose-deps @vladmandic/human@3.3.6 --no-save --ignore-scripts, or pass --human-dir');
  }
}

/** One of the package's TF.js graph models (models/NAME.json + .bin) and the package's version. */
export function loadHumanModel(dir: string, name: string): { model: TfjsGraphModel; weightData: Uint8Array; version: string } {
  const model = JSON.parse(readFileSync(join(dir, `models/${name}.json`), 'utf8')) as TfjsGraphModel;
  const weightData = new Uint8Array(readFileSync(join(dir, `models/${name}.bin`)));
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  return { model, weightData, version };
}

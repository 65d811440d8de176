import { readFileSync } from 'node:fs';

function readVersion(): string {
  for (const p of ['../package.json', '../../package.json']) {
    try {
      return JSON.parse(readFileSync(new URL(p, import.meta.url), 'utf8')).version as string;
    } catch {
      /* next */
    }
  }
  return '0.0.0';
}
export const VERSION = readVersion();

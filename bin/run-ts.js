// Runs a TypeScript entry point of this package through tsx (a runtime dependency), so the
// bins work straight after `npm ci` without a separate build step.
import { register } from 'tsx/esm/api';
import { pathToFileURL, fileURLToPath } from 'node:url';
import path from 'node:path';

register();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export async function runTs(relPath) {
  try {
    const mod = await import(pathToFileURL(path.join(root, relPath)).href);
    if (typeof mod.main === 'function') {
      const code = await mod.main(process.argv.slice(2));
      if (typeof code === 'number') process.exitCode = code;
    }
  } catch (e) {
    // A bad setting is the user's to fix: say which, without a stack trace.
    if (e && e.name === 'ConfigError') {
      console.error(`configuration error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
}

/**
 * sopilot demo generate --out-dir DIR [--seed N] [--scale X] [--width W] [--height H] [--fps F]
 *                       [--ffmpeg PATH] [--only gold,correct,...] [--json]
 * Renders the synthetic equipment-maintenance SOP demo (gold + 6 trainee variants) and
 * manifest.json into DIR. See docs/demo.md.
 */
import { parseCommand } from './args.js';
import { generateDemo } from '../shared/demo/generate.js';
import { VARIANT_NAMES, type VariantName } from '../shared/demo/plan.js';

const USAGE =
  'usage: sopilot demo generate --out-dir DIR [--seed N] [--scale X] [--width W] [--height H] [--fps F] [--ffmpeg PATH] [--only gold,correct,...] [--json]';

export interface DemoCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo = (): DemoCliIo => ({
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
});

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got ${v}`);
  return n;
}

/** argv: the arguments after "demo generate". Returns the exit code. */
export async function main(argv: string[], io: DemoCliIo = defaultIo()): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      'out-dir': { type: 'string' },
      seed: { type: 'string' },
      scale: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      fps: { type: 'string' },
      ffmpeg: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    USAGE,
    io,
    1,
  );
  if ('exit' in parsed) return parsed.exit;
  const values = parsed.values;
  if (!values['out-dir']) {
    io.err(`--out-dir is required\n${USAGE}`);
    return 1;
  }
  try {
    const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = only?.filter((n) => !VARIANT_NAMES.includes(n as VariantName));
    if (bad?.length) throw new Error(`unknown variant(s) ${bad.join(', ')}; known: ${VARIANT_NAMES.join(', ')}`);
    const scale = values.scale === undefined ? undefined : Number(values.scale);
    if (scale !== undefined && !(scale > 0)) throw new Error(`--scale must be a positive number, got ${values.scale}`);
    const t0 = Date.now();
    const manifest = await generateDemo({
      outDir: values['out-dir'],
      seed: int('seed', values.seed),
      scale,
      width: int('width', values.width),
      height: int('height', values.height),
      fps: int('fps', values.fps),
      ffmpegPath: values.ffmpeg,
      only: only as VariantName[] | undefined,
    });
    if (values.json) {
      io.out(JSON.stringify(manifest, null, 2));
      return 0;
    }
    io.out(`demo written to ${values['out-dir']} (seed ${manifest.seed}, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    for (const [name, v] of Object.entries(manifest.variants)) {
      if (only && !only.includes(name)) continue;
      const planted = v.planted.map((p) => `${p.type}[${p.steps.join(',')}]`).join(' ') || '-';
      io.out(`  ${v.file.padEnd(15)} ${v.duration_sec.toFixed(1).padStart(6)} s  expect ${v.expect_pass ? 'PASS' : 'FAIL'}  ${planted}`);
    }
    return 0;
  } catch (e) {
    io.err(`demo generate failed: ${(e as Error).message}`);
    return 1;
  }
}

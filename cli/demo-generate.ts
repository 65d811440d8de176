/**
 * sopilot demo generate --out-dir DIR [--scene demo|bench] [--seed N] [--scale X] [--width W]
 *                       [--height H] [--fps F] [--split dev|heldout] [--ffmpeg PATH]
 *                       [--only gold,correct,...] [--json]
 * Renders a synthetic scene into DIR: the equipment-maintenance SOP demo (default; gold +
 * trainee variants and manifest.json) or the bench family (gold, correct takes, camera moves
 * and planted faults, eval-manifest.json and timeline.json). See docs/demo.md.
 */
import { parseCommand } from './args.js';
import { generateDemo } from '../shared/demo/generate.js';
import { VARIANT_NAMES, type VariantName } from '../shared/demo/plan.js';
import { generateBench } from '../shared/demo/bench/generate.js';

const USAGE =
  'usage: sopilot demo generate --out-dir DIR [--scene demo|bench] [--seed N] [--scale X] [--width W] [--height H] [--fps F] [--split dev|heldout] [--ffmpeg PATH] [--only gold,correct,...] [--json]';

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

type Values = Record<string, string | boolean | undefined>;

/** The options both scenes take. */
function common(values: Values) {
  const str = (k: string) => values[k] as string | undefined;
  const scale = str('scale') === undefined ? undefined : Number(str('scale'));
  if (scale !== undefined && !(scale > 0)) throw new Error(`--scale must be a positive number, got ${str('scale')}`);
  return {
    outDir: str('out-dir')!,
    seed: int('seed', str('seed')),
    scale,
    width: int('width', str('width')),
    height: int('height', str('height')),
    fps: int('fps', str('fps')),
    ffmpegPath: str('ffmpeg'),
  };
}

async function bench(values: Values, only: string[] | undefined, io: DemoCliIo): Promise<number> {
  const split = (values.split as string | undefined) ?? 'dev';
  if (split !== 'dev' && split !== 'heldout') throw new Error(`--split must be dev or heldout, got ${split}`);
  const t0 = Date.now();
  const manifest = await generateBench({
    ...common(values),
    split,
    only,
    onVideo: values.json ? undefined : (file, done, total) => io.err(`  [${done}/${total}] ${file}`),
  });
  if (values.json) {
    io.out(JSON.stringify(manifest, null, 2));
    return 0;
  }
  io.out(`bench set written to ${values['out-dir']} (${manifest.name}, split ${split}, ${((Date.now() - t0) / 1000).toFixed(1)} s): eval-manifest.json, timeline.json`);
  for (const c of manifest.cases) {
    const planted = c.faults.map((f) => `${f.type}[${f.gold_start_sec.toFixed(1)}-${f.gold_end_sec.toFixed(1)}s]`).join(' ') || '-';
    io.out(`  ${c.id.padEnd(22)} ${c.category.padEnd(7)} expect ${c.expected.toUpperCase()}  ${planted}`);
  }
  return 0;
}

/** argv: the arguments after "demo generate". Returns the exit code. */
export async function main(argv: string[], io: DemoCliIo = defaultIo()): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      'out-dir': { type: 'string' },
      scene: { type: 'string', default: 'demo' },
      split: { type: 'string' },
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
    if (values.scene !== 'demo' && values.scene !== 'bench') throw new Error(`--scene must be demo or bench, got ${values.scene}`);
    if (values.split !== undefined && values.scene !== 'bench') throw new Error('--split applies to --scene bench');
    if (values.scene === 'bench') return await bench(values, only, io);
    const bad = only?.filter((n) => !VARIANT_NAMES.includes(n as VariantName));
    if (bad?.length) throw new Error(`unknown variant(s) ${bad.join(', ')}; known: ${VARIANT_NAMES.join(', ')}`);
    const t0 = Date.now();
    const manifest = await generateDemo({ ...common(values), only: only as VariantName[] | undefined });
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

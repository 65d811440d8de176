// The command line every converter of a @vladmandic/human model shares:
//   node --import tsx models/convert-X.ts [--list-ops] [--human-dir DIR] [outFile]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { humanPackageDir } from './human-package.js';
import { listOps, neededNodes, OP_MAPPING, type TfjsGraphModel } from './graph.js';

export interface ConverterCli {
  load(dir: string): { model: TfjsGraphModel; weightData: Uint8Array; version: string };
  convert(model: TfjsGraphModel, weightData: Uint8Array, version: string): { bytes: Uint8Array; opsUsed: Map<string, number> };
  /** The TF tensors the ONNX graph ends at, and those it starts from (a cut input), for --list-ops. */
  outputs: string[];
  cutInputs?: string[];
  /** What --list-ops says of an op left out of the converted graph. */
  leftOut: string;
  defaultOut: string;
}

/** --list-ops: every op of the graph, how many the converted part keeps, and its ONNX op; else converts and writes outFile. */
export function runConverterCli(c: ConverterCli, argv = process.argv.slice(2)): void {
  const args = [...argv];
  const i = args.indexOf('--human-dir');
  const dir = humanPackageDir(i >= 0 ? args.splice(i, 2)[1] : undefined);
  const { model, weightData, version } = c.load(dir);
  if (args.includes('--list-ops')) {
    const kept = listOps({ ...model, modelTopology: { node: neededNodes(model, c.outputs, c.cutInputs) } });
    console.log(`${'op'.padEnd(28)} ${'graph'.padStart(5)} ${'kept'.padStart(5)}  ONNX`);
    for (const [op, n] of listOps(model)) {
      const k = kept.get(op) ?? 0;
      console.log(`${op.padEnd(28)} ${String(n).padStart(5)} ${String(k).padStart(5)}  ${k ? (OP_MAPPING[op] ?? '(cut input)') : c.leftOut}`);
    }
    return;
  }
  const out = resolve(args.find((a) => !a.startsWith('--')) ?? c.defaultOut);
  const { bytes, opsUsed } = c.convert(model, weightData, version);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  console.log(`wrote ${out} (${(bytes.length / 1e6).toFixed(1)} MB) from @vladmandic/human ${version}; ops converted: ${[...opsUsed].map(([o, n]) => `${o} x${n}`).join(', ')}`);
}

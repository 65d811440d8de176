/**
 * sopilot verify-export FILE (--key SECRET | --key-file FILE | --public-key FILE) [--json]
 * Verifies a signed audit export offline. Exit 0 when signature and chain are intact, 1 otherwise.
 * The secret may also come from SOPILOT_AUDIT_SIGNING_KEY (CLI only; library code never reads env).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { verifyExport } from '../shared/audit/export.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
}

const defaultIo = (): CliIo => ({
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  env: process.env,
});

const USAGE = 'usage: sopilot verify-export FILE (--key SECRET | --key-file FILE | --public-key FILE) [--json]';

/** argv: the arguments after "verify-export". Returns the exit code. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        key: { type: 'string' },
        'key-file': { type: 'string' },
        'public-key': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    io.err(USAGE);
    return 1;
  }
  let key = values.key;
  let publicKeyPem: string | undefined;
  try {
    if (values['key-file']) key = (await readFile(values['key-file'], 'utf8')).trim();
    if (values['public-key']) publicKeyPem = await readFile(values['public-key'], 'utf8');
  } catch (e) {
    io.err(`cannot read key: ${(e as Error).message}`);
    return 1;
  }
  if (!key && !publicKeyPem) key = io.env.SOPILOT_AUDIT_SIGNING_KEY || undefined;
  if (!key && !publicKeyPem) {
    io.err(`no key given: use --key, --key-file or --public-key (or set SOPILOT_AUDIT_SIGNING_KEY)\n${USAGE}`);
    return 1;
  }
  const r = await verifyExport(positionals[0]!, { key, publicKeyPem });
  const a = r.artifact;
  if (values.json) {
    io.out(JSON.stringify({ ok: r.ok, reasons: r.reasons, signature: r.signature, alg: r.alg, kid: r.kid, rows: a?.chain?.rows ?? null, head_hash: a?.chain?.head_hash ?? null }));
  } else if (r.ok) {
    const from = a!.chain.anchor_prev_hash === a!.hash.genesis ? 'from the first row ever' : `anchored on ${a!.chain.anchor_prev_hash?.slice(0, 16)}...`;
    io.out(`OK: signature valid (${r.alg}${r.kid ? `, key "${r.kid}"` : ''}); ${a!.chain.rows} audit rows, ids ${a!.chain.first_id ?? '-'}..${a!.chain.last_id ?? '-'}, chain intact ${from}`);
    io.out(`chain head: ${a!.chain.head_hash ?? '(empty)'}; ${a!.scores.length} score record(s); generated ${a!.generated_at}`);
  } else {
    io.err(`FAILED: ${positionals[0]} did not verify`);
    for (const reason of r.reasons) io.err(`  - ${reason}`);
  }
  return r.ok ? 0 : 1;
}

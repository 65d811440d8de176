/**
 * `sopilot <command> ...`: dispatches to the subcommand modules (each exports
 * main(argv, io?) -> exit code). Modules are imported lazily so `sopilot token` does not load
 * the whole application. See docs/cli.md.
 */
export interface MainIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo = (): MainIo => ({
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
});

export const USAGE = `usage: sopilot <command> [options]

commands:
  demo generate --out-dir DIR [--scene demo|bench] [--seed N]
                                                render a synthetic SOP set (demo or bench scene) + its manifest
  demo run --base-url URL --token T --gold FILE --trainee FILE --out-dir DIR
                                                upload, ingest, score, fetch report/audit/queue/export over HTTP
  demo all [--out-dir DIR] [--exit]             generate, start a local host, score every variant (npm run demo)
  release-gate --demo-dir DIR --out FILE        check scoring catches every planted failure (exit 0 = pass)
  eval --manifest FILE | --demo-dir DIR [--out F] run labelled cases through the pipeline; figures per set (docs/evaluation.md)
  token --role ROLE --subject NAME --secret S   issue a JWT for first set-up
  verify-export FILE --key SECRET               verify a signed audit export offline
  help [command]                                this text, or a command's own usage

"sopilot <command> --help" prints a command's options. Docs: docs/cli.md`;

type Sub = (argv: string[]) => Promise<number>;

/** Which module runs a command; argv given to it excludes the command words. */
function resolveCommand(argv: string[]): { sub: Sub; rest: string[] } | null {
  const [cmd, sub, ...more] = argv;
  switch (cmd) {
    case 'token':
      return { sub: async (a) => (await import('./token.js')).main(a), rest: argv.slice(1) };
    case 'verify-export':
      return { sub: async (a) => (await import('./verify-export.js')).main(a), rest: argv.slice(1) };
    case 'eval':
      return { sub: async (a) => (await import('./eval.js')).main(a), rest: argv.slice(1) };
    case 'release-gate':
      return { sub: async (a) => (await import('./release-gate.js')).main(a), rest: argv.slice(1) };
    case 'demo':
      if (sub === 'generate') return { sub: async (a) => (await import('./demo-generate.js')).main(a), rest: more };
      if (sub === 'run') return { sub: async (a) => (await import('./demo-run.js')).main(a), rest: more };
      if (sub === 'all') return { sub: async (a) => (await import('./demo-all.js')).main(a), rest: more };
      return null;
    default:
      return null;
  }
}

/** argv: process.argv.slice(2). Returns the exit code (2 = usage error). */
export async function main(argv: string[], io: MainIo = defaultIo()): Promise<number> {
  const [cmd] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    if (cmd === 'help' && argv.length > 1) {
      const r = resolveCommand(argv.slice(1));
      if (r) return r.sub([...r.rest, '--help']);
      io.err(`unknown command: ${argv.slice(1).join(' ')}\n\n${USAGE}`);
      return 2;
    }
    if (!cmd) {
      io.err(USAGE);
      return 2;
    }
    io.out(USAGE);
    return 0;
  }
  if (cmd === '--version' || cmd === 'version') {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
    io.out(pkg.version);
    return 0;
  }
  const r = resolveCommand(argv);
  if (!r) {
    const what = cmd === 'demo' ? `demo ${argv[1] ?? ''}`.trim() : cmd;
    io.err(`unknown command: ${what}${cmd === 'demo' ? ' (expected demo generate | run | all)' : ''}\n\n${USAGE}`);
    return 2;
  }
  return r.sub(r.rest);
}

import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

/**
 * Parses a subcommand's options the same way for every command: a bad option prints the message
 * and the usage (exit `badExit`), --help prints the usage (exit 0). Returns the values, or the exit code.
 */
export function parseCommand<O extends Options>(
  argv: string[],
  options: O,
  usage: string,
  io: { out(s: string): void; err(s: string): void },
  badExit = 2,
): { values: ReturnType<typeof parseArgs<{ args: string[]; options: O & typeof HELP }>>['values'] } | { exit: number } {
  let values;
  try {
    values = parseArgs({ args: argv, options: { ...options, ...HELP } }).values;
  } catch (e) {
    io.err(`${(e as Error).message}\n${usage}`);
    return { exit: badExit };
  }
  if ((values as { help?: boolean }).help) {
    io.out(usage);
    return { exit: 0 };
  }
  return { values: values as never };
}

import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs by default (for collectors), human-readable when format is 'console'. */
export function createLogger(opts: { level: string; format: 'json' | 'console'; name?: string }): Logger {
  if (opts.format === 'console') {
    return pino({
      name: opts.name ?? 'sopilot',
      level: opts.level,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:standard' } },
    });
  }
  return pino({ name: opts.name ?? 'sopilot', level: opts.level });
}

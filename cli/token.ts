/**
 * sopilot token --role admin --subject alice [--secret S | --private-key FILE]
 *                [--issuer I] [--audience A] [--expires 8h] [--role-claim role] [--kid K]
 * Issues a JWT for first set-up; prints only the token on stdout (TOKEN=$(sopilot token ...)).
 * Defaults come from SOPILOT_JWT_SECRET, SOPILOT_JWT_PRIVATE_KEY_FILE, SOPILOT_JWT_ISSUER,
 * SOPILOT_JWT_AUDIENCE and SOPILOT_JWT_ROLE_CLAIM (CLI only; library code never reads env).
 */
import { readFile } from 'node:fs/promises';
import { parseCommand } from './args.js';
import { issueToken } from '../shared/auth/jwt.js';
import { isRole } from '../shared/auth/roles.js';
import type { CliIo } from './verify-export.js';

const USAGE =
  'usage: sopilot token --role viewer|operator|admin --subject NAME [--secret S | --private-key FILE] [--issuer I] [--audience A] [--expires 8h] [--role-claim CLAIM] [--kid K]';

const defaultIo = (): CliIo => ({
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  env: process.env,
});

/** argv: the arguments after "token". Returns the exit code. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      role: { type: 'string' },
      subject: { type: 'string' },
      secret: { type: 'string' },
      'private-key': { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string' },
      expires: { type: 'string', default: '8h' },
      'role-claim': { type: 'string' },
      kid: { type: 'string' },
    },
    USAGE,
    io,
    1,
  );
  if ('exit' in parsed) return parsed.exit;
  const values = parsed.values;
  const env = io.env;
  if (!values.role || !isRole(values.role)) {
    io.err(`--role must be viewer, operator or admin\n${USAGE}`);
    return 1;
  }
  if (!values.subject) {
    io.err(`--subject is required (who the token is for; it is recorded in the audit trail)\n${USAGE}`);
    return 1;
  }
  const keyFile = values['private-key'] ?? env.SOPILOT_JWT_PRIVATE_KEY_FILE;
  const secret = values.secret ?? (values['private-key'] ? undefined : env.SOPILOT_JWT_SECRET);
  if (!secret && !keyFile) {
    io.err(`no signing key: give --secret or --private-key (or set SOPILOT_JWT_SECRET)\n${USAGE}`);
    return 1;
  }
  const expires = values.expires!;
  const expiresIn = /^\d+$/.test(expires) ? Number(expires) : expires;
  try {
    const token = await issueToken({
      role: values.role,
      subject: values.subject,
      secret: secret || undefined,
      privateKeyPem: secret ? undefined : await readFile(keyFile!, 'utf8'),
      issuer: values.issuer ?? (env.SOPILOT_JWT_ISSUER || undefined),
      audience: values.audience ?? (env.SOPILOT_JWT_AUDIENCE || undefined),
      roleClaim: values['role-claim'] ?? (env.SOPILOT_JWT_ROLE_CLAIM || undefined),
      expiresIn,
      kid: values.kid,
    });
    io.out(token);
    io.err(`issued a ${values.role} token for "${values.subject}", valid for ${expires}`);
    return 0;
  } catch (e) {
    io.err(`cannot issue token: ${(e as Error).message}`);
    return 1;
  }
}

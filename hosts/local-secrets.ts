import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The laptop host's audit signing key: kept in the data folder (mode 0600) so exports made
 * today still verify tomorrow; production sets SOPILOT_AUDIT_SIGNING_KEY or a private key file.
 */
export function localSigningKey(dataDir: string): string {
  const file = path.join(dataDir, 'audit-signing.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}

/** Where the one-time local admin token is written, for the CLI and demo on the same machine. */
export function writeLocalToken(dataDir: string, token: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'local-admin-token');
  writeFileSync(file, token + '\n', { mode: 0o600 });
  return file;
}

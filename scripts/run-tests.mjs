#!/usr/bin/env node
// Runs every test file under test/ with Node's own test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [filter...]  — filters match against file paths.
//        node scripts/run-tests.mjs --faults [filter...]  — the fault-injection suite (test/faults/)
//        only; `npm test` leaves it out (it kills workers and stops services: .ci/run runs it
//        as its own step).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const faults = args.includes('--faults');
const filters = args.filter((a) => a !== '--faults');
const isFault = (f) => f.startsWith(join('test', 'faults') + '/');
const files = walk('test')
  .sort()
  .filter((f) => isFault(f) === faults)
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-force-exit', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, SOPILOT_LOG_LEVEL: process.env.SOPILOT_LOG_LEVEL ?? 'warn' } },
);
process.exit(res.status ?? 1);

// Keeps the reference docs and deployment manifests true to the code: every setting documented
// with its real default, every route in docs/api.md, every event type routed on Knative, every
// function deployed by stack.yml and knative/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_VARIABLES, loadConfig } from '../../shared/config.js';
import { EventType, eventDataSchemas } from '../../shared/events/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');

/** Rows of the tables under "## Settings" (up to the next level-2 heading): variable -> default cell. */
function documentedSettings(md: string): Map<string, string> {
  const start = md.indexOf('\n## Settings');
  assert.ok(start >= 0, 'docs/configuration.md has a "## Settings" section');
  const end = md.indexOf('\n## ', start + 1);
  const section = md.slice(start, end < 0 ? undefined : end);
  const out = new Map<string, string>();
  for (const line of section.split('\n')) {
    const m = /^\|\s*`(SOPILOT_[A-Z0-9_]+)`\s*\|\s*([^|]*)\|/.exec(line);
    if (m) {
      assert.ok(!out.has(m[1]), `${m[1]} is documented twice`);
      out.set(m[1], m[2].trim());
    }
  }
  return out;
}

test('every SOPILOT_* setting is documented in docs/configuration.md, and nothing else is', () => {
  const documented = documentedSettings(read('docs/configuration.md'));
  const missing = CONFIG_VARIABLES.filter((v) => !documented.has(v));
  assert.deepEqual(missing, [], `settings missing from docs/configuration.md: ${missing.join(', ')}`);
  const unknown = [...documented.keys()].filter((v) => !CONFIG_VARIABLES.includes(v));
  assert.deepEqual(unknown, [], `documented settings unknown to shared/config.ts: ${unknown.join(', ')}`);
});

test('documented defaults are the defaults loadConfig applies', () => {
  const documented = documentedSettings(read('docs/configuration.md'));
  const defaults = loadConfig({}) as unknown as Record<string, unknown>;
  const wrong: string[] = [];
  for (const v of CONFIG_VARIABLES) {
    const cell = documented.get(v);
    if (cell === undefined) continue; // reported by the previous test
    const value = defaults[v.slice('SOPILOT_'.length)];
    const expected = value === undefined ? 'unset' : `\`${String(value)}\``;
    if (cell !== expected) wrong.push(`${v}: documented ${cell}, code ${expected}`);
  }
  assert.deepEqual(wrong, []);
});

test('every HTTP route is in docs/api.md and every event type with its data fields', async () => {
  const { httpFunctions } = await import('../../functions/registry.js');
  const { buildHttpApp } = await import('../../shared/http/app.js');
  const { listRouteDocs } = await import('../../shared/http/openapi.js');
  buildHttpApp([...httpFunctions]); // mounting registers each route's doc
  const api = read('docs/api.md');
  const routes = listRouteDocs();
  assert.ok(routes.length > 10, 'routes were registered');
  const missing = routes.filter((r) => !api.includes(`| ${r.method.toUpperCase()} | \`${r.path}\` | ${r.role} |`)).map((r) => `${r.method.toUpperCase()} ${r.path} (${r.role})`);
  assert.deepEqual(missing, [], 'routes missing from the docs/api.md table (or with another role)');
  for (const [type, schema] of Object.entries(eventDataSchemas)) {
    assert.ok(api.includes(`\`${type}\``), `event type ${type} in docs/api.md`);
    const shape = (schema as unknown as { unwrap?: () => { shape?: object }; shape?: object });
    const fields = Object.keys(shape.shape ?? shape.unwrap?.().shape ?? {});
    const row = api.split('\n').find((l) => l.startsWith(`| \`${type}\``)) ?? '';
    for (const f of fields) assert.ok(row.includes(`\`${f}\``), `${type} row in docs/api.md names data field ${f}`);
  }
});

/** Parses the few YAML shapes the manifests use: documents split on '---', with kind/name/type. */
function knativeDocs(): string[] {
  const dir = path.join(root, 'knative');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split(/^---\s*$/m))
    .map((d) => d.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n'))
    .filter((d) => /^kind:/m.test(d));
}

test('knative/: one Service per function and a Trigger for every event a function consumes', async () => {
  const { httpFunctions, eventFunctions } = await import('../../functions/registry.js');
  const docs = knativeDocs();
  const services = docs.filter((d) => /^kind: Service$/m.test(d) && /serving\.knative\.dev/.test(d));
  const fnEnv = (d: string) => /name: SOPILOT_FUNCTION\s*\n\s*value: "?([a-z-]+)"?/.exec(d)?.[1];
  const served = new Set(services.map(fnEnv));
  for (const f of [...httpFunctions, ...eventFunctions]) assert.ok(served.has(f.name), `knative Service with SOPILOT_FUNCTION=${f.name}`);
  const triggers = docs
    .filter((d) => /^kind: Trigger$/m.test(d))
    .map((d) => ({ type: /^\s+type: (\S+)/m.exec(d)?.[1], service: /subscriber:\s*\n\s*ref:[\s\S]*?name: (\S+)/.exec(d)?.[1] }));
  const serviceOf = new Map(services.map((d) => [fnEnv(d), /^metadata:\s*\n\s+name: (\S+)/m.exec(d)?.[1]]));
  for (const f of eventFunctions) {
    for (const t of f.triggers) {
      if (t === EventType.nightlyTick) continue; // sent by the CronJob straight to the broker; checked below
      assert.ok(triggers.some((x) => x.type === t && x.service === serviceOf.get(f.name)), `Trigger ${t} -> ${f.name}`);
    }
  }
  const nightly = eventFunctions.find((f) => f.triggers.includes(EventType.nightlyTick as never));
  if (nightly) assert.ok(triggers.some((x) => x.type === EventType.nightlyTick && x.service === serviceOf.get(nightly.name)), 'nightly tick Trigger');
});

test('stack.yml deploys every function with SOPILOT_FUNCTION set to its name', async () => {
  const { httpFunctions, eventFunctions } = await import('../../functions/registry.js');
  const stack = read('stack.yml');
  for (const f of [...httpFunctions, ...eventFunctions]) {
    assert.match(stack, new RegExp(`SOPILOT_FUNCTION: "?${f.name}"?\\s*$`, 'm'), `stack.yml function for ${f.name}`);
  }
  for (const f of eventFunctions) {
    for (const t of f.triggers) assert.ok(stack.includes(t), `stack.yml names topic ${t} (for ${f.name})`);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, resolveTransport, ConfigError, CONFIG_VARIABLES } from '../../shared/config.js';

test('defaults: embedded everything, auth required, port 8000', () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 8000);
  assert.equal(c.DATABASE_URL, undefined);
  assert.equal(c.STORE_ENDPOINT, undefined);
  assert.equal(resolveTransport(c), 'inprocess');
  assert.equal(c.AUTH_REQUIRED, true);
  assert.equal(c.SAMPLE_FPS, 4);
  assert.equal(c.CLIP_FRAMES, 8);
  assert.equal(c.EMBEDDER_BACKEND, 'auto');
  assert.ok(CONFIG_VARIABLES.every((v) => v.startsWith('SOPILOT_')));
});

test('a bad value stops start-up with a message naming the variable', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ SOPILOT_PORT: 'eighty' }, 'SOPILOT_PORT'],
    [{ SOPILOT_SAMPLE_FPS: '-1' }, 'SOPILOT_SAMPLE_FPS'],
    [{ SOPILOT_EMBEDDER_BACKEND: 'gpt' }, 'SOPILOT_EMBEDDER_BACKEND'],
    [{ SOPILOT_AUTH_REQUIRED: 'maybe' }, 'SOPILOT_AUTH_REQUIRED'],
    [{ SOPILOT_CLIP_FRAMES: '4', SOPILOT_CLIP_STRIDE: '8' }, 'SOPILOT_CLIP_STRIDE'],
    [{ SOPILOT_EMBEDDER_WORK_WEIGHT: '0.9', SOPILOT_EMBEDDER_MOTION_WEIGHT: '0.1' }, 'SOPILOT_EMBEDDER_MOTION_WEIGHT'],
    [{ SOPILOT_EVENT_TRANSPORT: 'bullmq' }, 'SOPILOT_REDIS_URL'],
    [{ SOPILOT_STORE_ENDPOINT: 'http://minio:9000' }, 'SOPILOT_STORE_ACCESS_KEY'],
    [{ SOPILOT_PRIVACY_MASK_RECTS: '0:0:2:1' }, 'SOPILOT_PRIVACY_MASK_RECTS'],
    [{ SOPILOT_SCORING_OPTIONS_JSON: '{nope' }, 'SOPILOT_SCORING_OPTIONS_JSON'],
    [{ SOPILOT_SCORING_OPTIONS_JSON: '[1]' }, 'SOPILOT_SCORING_OPTIONS_JSON'],
    [{ SOPILOT_SCORING_OPTIONS_JSON: '{"method":"profile"}' }, 'SOPILOT_SCORING_OPTIONS_JSON'],
    [{ SOPILOT_SCORING_OPTIONS_JSON: '{"toString":1}' }, 'SOPILOT_SCORING_OPTIONS_JSON'],
    [{ SOPILOT_JWT_SECRET: 'short' }, 'SOPILOT_JWT_SECRET'],
  ];
  for (const [env, name] of cases) {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && e.variable === name && e.message.startsWith(name), name);
  }
});

test('transport follows the settings; PORT is the fallback port; *_FILE reads secrets', () => {
  assert.equal(resolveTransport(loadConfig({ SOPILOT_REDIS_URL: 'redis://r:6379' })), 'bullmq');
  assert.equal(resolveTransport(loadConfig({ SOPILOT_EVENT_BROKER_URL: 'http://broker/' })), 'http');
  assert.equal(loadConfig({ PORT: '9090' }).PORT, 9090);
  assert.equal(loadConfig({ PORT: '9090', SOPILOT_PORT: '7000' }).PORT, 7000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
  const f = path.join(dir, 'db-url');
  writeFileSync(f, 'postgres://u:p@db:5432/x\n');
  assert.equal(loadConfig({ SOPILOT_DATABASE_URL_FILE: f }).DATABASE_URL, 'postgres://u:p@db:5432/x');
  assert.throws(() => loadConfig({ SOPILOT_DATABASE_URL_FILE: path.join(dir, 'missing') }), /SOPILOT_DATABASE_URL_FILE: cannot read/);
});

test('SCORING_OPTIONS_JSON: scoring option names pass; a removed or misspelt one is named', () => {
  const ok = loadConfig({ SOPILOT_SCORING_OPTIONS_JSON: '{"deviationQuality":0.75,"penalties":{"rework":{"low":1}},"visitAcceptedLevel":0.4}' });
  assert.equal(JSON.parse(ok.SCORING_OPTIONS_JSON!).deviationQuality, 0.75);
  assert.throws(() => loadConfig({ SOPILOT_SCORING_OPTIONS_JSON: '{"method":"profile","viewKeepFraction":0.5,"deviationQuality":0.7}' }), /unknown scoring option\(s\) method, viewKeepFraction:/);
});

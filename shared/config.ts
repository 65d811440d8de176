import { z } from 'zod';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { parseMaskRects } from './vision/privacy-mask.js';
import { unknownScoringOptions } from './scoring/options.js';

/**
 * Every setting comes from SOPILOT_* environment variables, parsed and validated once.
 * A bad value stops start-up with a message naming the variable (see docs/configuration.md).
 */
export class ConfigError extends Error {
  constructor(
    public readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().min(min).max(max);
const tri = z.enum(['auto', 'true', 'false']);

/** Variable name (without the SOPILOT_ prefix) -> schema and default. Order = docs order. */
const spec = {
  // host
  PORT: [int(0, 65535), '8000'], // 0 = any free port (tests)
  // Unset: HTTP hosts listen on 0.0.0.0, event-function containers on 127.0.0.1 (hosts/bind.ts).
  BIND: [z.string().min(1).optional(), undefined],
  HTTP_HEADERS_TIMEOUT_MS: [int(1000, 600_000), '30000'],
  HTTP_REQUEST_TIMEOUT_MS: [int(1000, 86_400_000), '3600000'],
  HTTP_IDLE_TIMEOUT_MS: [int(1000, 3_600_000), '60000'],
  SHUTDOWN_GRACE_MS: [int(100, 600_000), '8000'],
  DEPENDENCY_TIMEOUT_MS: [int(100, 60_000), '3000'],
  DATA_DIR: [z.string().min(1), './data'],
  LOG_LEVEL: [z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'],
  LOG_FORMAT: [z.enum(['json', 'console']), 'json'],
  // storage
  DATABASE_URL: [z.string().min(1).optional(), undefined],
  DATABASE_POOL_MAX: [int(1, 200), '10'],
  STORE_ENDPOINT: [z.string().url().optional(), undefined],
  STORE_BUCKET: [z.string().min(3), 'sopilot'],
  STORE_REGION: [z.string().min(1), 'us-east-1'],
  STORE_ACCESS_KEY: [z.string().optional(), undefined],
  STORE_SECRET_KEY: [z.string().optional(), undefined],
  STORE_FORCE_PATH_STYLE: [bool, 'true'],
  STORE_CREATE_BUCKET: [bool, 'true'],
  // events and queues
  EVENT_TRANSPORT: [z.enum(['auto', 'inprocess', 'bullmq', 'http']), 'auto'],
  REDIS_URL: [z.string().min(1).optional(), undefined],
  EVENT_BROKER_URL: [z.string().url().optional(), undefined],
  QUEUE_PREFIX: [z.string().min(1), 'sopilot'],
  QUEUE_ATTEMPTS: [int(1, 100), '5'],
  QUEUE_BACKOFF_MS: [int(0, 3_600_000), '1000'],
  QUEUE_OUTAGE_WINDOW_MS: [int(0, 86_400_000), '600000'],
  QUEUE_CONCURRENCY: [int(1, 64), '1'],
  STAGE_LEASE_MS: [int(1000, 3_600_000), '20000'],
  // upload and ingest
  UPLOAD_MAX_MB: [num(0.001, 1_000_000), '2048'],
  SAMPLE_FPS: [num(0.1, 60), '4'],
  CLIP_FRAMES: [int(1, 256), '8'],
  CLIP_STRIDE: [int(1, 256), '1'],
  FRAME_SIZE: [int(32, 1024), '224'],
  FFMPEG_PATH: [z.string().min(1).optional(), undefined],
  FFPROBE_PATH: [z.string().min(1).optional(), undefined],
  PRIVACY_MASK_ENABLED: [bool, 'false'],
  PRIVACY_MASK_RECTS: [z.string().optional(), undefined],
  PRIVACY_MASK_MODE: [z.enum(['black', 'blur']), 'black'],
  PRIVACY_FACE_BLUR: [bool, 'false'],
  // models
  MODELS_DIR: [z.string().min(1), 'models'],
  EMBEDDER_BACKEND: [z.enum(['auto', 'onnx', 'hybrid', 'heuristic', 'work', 'hybrid-work']), 'auto'],
  EMBEDDER_WORK_WEIGHT: [num(0.05, 0.95), '0.5'],
  EMBEDDER_MOTION_WEIGHT: [num(0, 0.5), '0.2'],
  EMBEDDER_BACKBONE_VIEW: [z.enum(['frame', 'work-region']), 'frame'],
  ONNX_MODEL_PATH: [z.string().min(1).optional(), undefined],
  EMBEDDER_BATCH_SIZE: [int(1, 4096).optional(), undefined],
  USE_GPU: [tri, 'auto'],
  // alignment and scoring
  DTW_USE_GPU: [tri, 'auto'],
  DTW_BACKEND: [z.enum(['auto', 'ts', 'native', 'cuda']), 'auto'],
  SCORE_PASS_THRESHOLD: [num(0, 100), '70'],
  SCORING_OPTIONS_JSON: [z.string().optional(), undefined],
  SCORE_USE_TASK_ADAPTER: [bool, 'false'],
  SCORE_SHARED_WORK: [bool, 'false'],
  STEP_ROWS: [z.enum(['clips', 'frames']), 'clips'],
  STEP_MIN_CLIPS: [int(1, 10_000).optional(), undefined],
  STEP_PENALTY: [num(0, 1e9).optional(), undefined],
  STEP_PENALTY_SCALE: [num(0.01, 100), '0.5'],
  STEP_MIN_CONTRAST: [num(0, 100), '1'],
  // security
  AUTH_REQUIRED: [bool, 'true'],
  SERVICE_TOKEN: [z.string().min(16).optional(), undefined],
  AUTH_DENIED_AUDIT_PER_MIN: [int(0, 1_000_000), '30'],
  LOCAL_MODE: [bool, 'false'],
  API_ROLE_TOKENS: [z.string().optional(), undefined],
  JWT_SECRET: [z.string().min(16).optional(), undefined],
  JWT_PUBLIC_KEY_FILE: [z.string().optional(), undefined],
  JWT_JWKS_FILE: [z.string().optional(), undefined],
  JWT_ISSUER: [z.string().optional(), undefined],
  JWT_AUDIENCE: [z.string().optional(), undefined],
  JWT_ROLE_CLAIM: [z.string().min(1), 'role'],
  BASIC_AUTH_USER: [z.string().optional(), undefined],
  BASIC_AUTH_PASSWORD: [z.string().optional(), undefined],
  BASIC_AUTH_ROLE: [z.enum(['viewer', 'operator', 'admin']), 'viewer'],
  AUDIT_SIGNING_KEY: [z.string().min(16).optional(), undefined],
  AUDIT_SIGNING_KEY_ID: [z.string().min(1), 'sopilot-audit-1'],
  AUDIT_SIGNING_PRIVATE_KEY_FILE: [z.string().optional(), undefined],
} as const satisfies Record<string, readonly [z.ZodTypeAny, string | undefined]>;

type Spec = typeof spec;
export type Config = { [K in keyof Spec]: z.output<Spec[K][0]> } & { dataDirAbs: string };

export const CONFIG_VARIABLES = Object.keys(spec).map((k) => `SOPILOT_${k}`);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  for (const [key, [schema, def]] of Object.entries(spec)) {
    const name = `SOPILOT_${key}`;
    // Knative and most platforms tell a container its port in PORT.
    let raw = key === 'PORT' && (env[name] === undefined || env[name] === '') ? env.PORT : env[name];
    // Any setting can come from a file (container secrets): SOPILOT_X_FILE=/run/secrets/x.
    const fileVar = env[`${name}_FILE`];
    if ((raw === undefined || raw === '') && fileVar) {
      try {
        raw = readFileSync(fileVar, 'utf8').trim();
      } catch (e) {
        throw new ConfigError(`${name}_FILE`, `cannot read ${fileVar}: ${(e as Error).message}`);
      }
    }
    const value = raw === undefined || raw === '' ? def : raw.trim();
    const parsed = (schema as z.ZodTypeAny).safeParse(value);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      throw new ConfigError(name, `invalid value ${JSON.stringify(raw)}: ${why}`);
    }
    out[key] = parsed.data;
  }
  const cfg = out as Config;
  if (cfg.CLIP_STRIDE > cfg.CLIP_FRAMES) {
    throw new ConfigError('SOPILOT_CLIP_STRIDE', `must not exceed SOPILOT_CLIP_FRAMES (${cfg.CLIP_FRAMES})`);
  }
  if (cfg.EMBEDDER_WORK_WEIGHT + cfg.EMBEDDER_MOTION_WEIGHT >= 1) {
    throw new ConfigError('SOPILOT_EMBEDDER_MOTION_WEIGHT', `with SOPILOT_EMBEDDER_WORK_WEIGHT (${cfg.EMBEDDER_WORK_WEIGHT}) must leave appearance a share (their sum below 1)`);
  }
  if (cfg.EVENT_TRANSPORT === 'bullmq' && !cfg.REDIS_URL) {
    throw new ConfigError('SOPILOT_REDIS_URL', 'required when SOPILOT_EVENT_TRANSPORT=bullmq');
  }
  if (cfg.EVENT_TRANSPORT === 'http' && !cfg.EVENT_BROKER_URL) {
    throw new ConfigError('SOPILOT_EVENT_BROKER_URL', 'required when SOPILOT_EVENT_TRANSPORT=http');
  }
  if (cfg.STORE_ENDPOINT && (!cfg.STORE_ACCESS_KEY || !cfg.STORE_SECRET_KEY)) {
    throw new ConfigError('SOPILOT_STORE_ACCESS_KEY', 'SOPILOT_STORE_ACCESS_KEY and SOPILOT_STORE_SECRET_KEY are required with SOPILOT_STORE_ENDPOINT');
  }
  if (cfg.BASIC_AUTH_USER && !cfg.BASIC_AUTH_PASSWORD) {
    throw new ConfigError('SOPILOT_BASIC_AUTH_PASSWORD', 'required with SOPILOT_BASIC_AUTH_USER');
  }
  if (cfg.PRIVACY_MASK_RECTS) {
    try {
      parseMaskRects(cfg.PRIVACY_MASK_RECTS);
    } catch (e) {
      throw new ConfigError('SOPILOT_PRIVACY_MASK_RECTS', (e as Error).message);
    }
  }
  if (cfg.SCORING_OPTIONS_JSON) checkScoringOptions(cfg.SCORING_OPTIONS_JSON);
  cfg.dataDirAbs = path.resolve(cfg.DATA_DIR);
  return cfg;
}

/**
 * An object of ScoringOptions names. An unknown name stops start-up rather than being ignored: a
 * misspelt threshold, or one of the removed profile method's ({"method":"profile"}), would
 * otherwise score with defaults the operator did not choose.
 */
function checkScoringOptions(json: string): void {
  const name = 'SOPILOT_SCORING_OPTIONS_JSON';
  let o: unknown;
  try {
    o = JSON.parse(json);
  } catch (e) {
    throw new ConfigError(name, `not valid JSON: ${(e as Error).message}`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new ConfigError(name, 'must be a JSON object of scoring options');
  const unknown = unknownScoringOptions(o);
  if (unknown.length) {
    throw new ConfigError(name, `unknown scoring option(s) ${unknown.join(', ')}: the options are listed in docs/scoring.md (there is one scoring method; the profile method and its options were removed)`);
  }
}

/** Which event transport a config selects once 'auto' is resolved. */
export function resolveTransport(cfg: Config): 'inprocess' | 'bullmq' | 'http' {
  if (cfg.EVENT_TRANSPORT !== 'auto') return cfg.EVENT_TRANSPORT;
  if (cfg.REDIS_URL) return 'bullmq';
  if (cfg.EVENT_BROKER_URL) return 'http';
  return 'inprocess';
}

/**
 * A small typed client for the SOPilot HTTP API (docs/api.md), used by `sopilot demo run`,
 * `sopilot demo all`, `sopilot release-gate` and the end-to-end benchmark. Only what those
 * need: uploads, jobs, videos, gold steps, scores, reports, audit and queue state, plus
 * polling helpers that fail with the server's own error text.
 */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { Deviation, StepRef, StepRow, TimeRange } from '../shared/scoring/types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path} -> ${status} ${code}: ${message}`);
    this.name = 'ApiError';
  }
}

/** A job or score that ended in status "failed". */
export class FailedError extends Error {
  constructor(
    readonly what: string,
    readonly serverError: string | null,
  ) {
    super(`${what} failed: ${serverError ?? '(no error message)'}`);
    this.name = 'FailedError';
  }
}

export class PollTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly last: unknown,
  ) {
    super(`${what}: still not done after ${Math.round(timeoutMs / 1000)} s (last state: ${JSON.stringify(last)?.slice(0, 300)})`);
    this.name = 'PollTimeoutError';
  }
}

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface UploadAccepted {
  video_id: string;
  job_id: string;
}
export interface JobView {
  id: string;
  kind: string;
  status: JobStatus;
  attempts: number;
  error: string | null;
  video_id: string | null;
  output?: unknown;
  created_at?: string;
  started_at?: string | null;
  finished_at?: string | null;
  [k: string]: unknown;
}
export interface VideoView {
  id: string;
  task_id: string;
  role: 'gold' | 'trainee' | 'audit';
  status: 'uploaded' | 'processing' | 'indexed' | 'failed' | 'deleted';
  duration_sec: number | null;
  clip_count: number | null;
  error: string | null;
  [k: string]: unknown;
}
export interface GoldStepView extends StepRef {
  start_clip: number;
  end_clip: number;
  source: 'auto' | 'manual';
}
export interface GoldStepsView {
  video_id: string;
  steps: GoldStepView[];
}
export interface ScoreView {
  id: string;
  status: JobStatus;
  error: string | null;
  gold_video_id: string;
  trainee_video_id: string;
  score: number | null;
  passed: boolean | null;
  deviations: Deviation[];
  steps: StepRow[];
  path?: Array<[number, number]>;
  gold_clips?: TimeRange[];
  trainee_clips?: TimeRange[];
  timings_ms?: Record<string, number>;
  report_url?: string;
  [k: string]: unknown;
}
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
export interface QueueState {
  transport: string;
  queues: Array<{ queue: string; waiting: number; active: number; delayed: number; failed: number; completed: number; dead_letter: number; oldest_waiting_age_sec: number | null }>;
}
export interface AuditExportCreated {
  export_id: string;
  object_key: string;
  download_url: string;
}

export interface PollOptions {
  /** Give up after this long (default 10 min: a long video on a slow CPU takes minutes). */
  timeoutMs?: number;
  /** First wait between polls (default 250 ms); grows x1.5 up to maxIntervalMs. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Called with each state seen (progress display). */
  onState?: (state: unknown) => void;
}

export interface ClientOptions {
  baseUrl: string;
  /** Bearer token (static role token or JWT). */
  token?: string;
  /** Alternative to token: HTTP basic credentials. */
  basic?: { user: string; password: string };
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls get() until done(state) says so. done returns true (finished), false (keep going), or
 * throws (finished badly). Times out with the last state in the message.
 */
export async function pollUntil<T>(what: string, get: () => Promise<T>, done: (s: T) => boolean, o: PollOptions = {}): Promise<T> {
  const timeoutMs = o.timeoutMs ?? 600_000;
  const deadline = Date.now() + timeoutMs;
  let interval = o.intervalMs ?? 250;
  const maxInterval = o.maxIntervalMs ?? 2_000;
  let last: T | undefined;
  for (;;) {
    last = await get();
    o.onState?.(last);
    if (done(last)) return last;
    if (Date.now() >= deadline) throw new PollTimeoutError(what, timeoutMs, last);
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
    interval = Math.min(maxInterval, interval * 1.5);
  }
}

export class SopilotClient {
  readonly baseUrl: string;
  private readonly auth: string | undefined;
  private readonly doFetch: typeof fetch;

  constructor(o: ClientOptions) {
    this.baseUrl = o.baseUrl.replace(/\/+$/, '');
    this.auth = o.token
      ? `Bearer ${o.token}`
      : o.basic
        ? `Basic ${Buffer.from(`${o.basic.user}:${o.basic.password}`).toString('base64')}`
        : undefined;
    this.doFetch = o.fetch ?? fetch;
  }

  /** One request; non-2xx answers become ApiError with the server's {error:{code,message}}. */
  async raw(method: string, path: string, init: { json?: unknown; body?: FormData; accept?: string; query?: Record<string, string | number | undefined> } = {}): Promise<Response> {
    let url = `${this.baseUrl}${path}`;
    if (init.query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(init.query)) if (v !== undefined) q.set(k, String(v));
      const s = q.toString();
      if (s) url += `?${s}`;
    }
    const headers: Record<string, string> = {};
    if (this.auth) headers.authorization = this.auth;
    if (init.accept) headers.accept = init.accept;
    let body: string | FormData | undefined;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.body) body = init.body;
    let res: Response;
    // A GET is safe to repeat: retry a dropped connection (a keep-alive socket the server closed
    // just as it was reused shows up as ECONNRESET) a few times before giving up.
    const tries = method === 'GET' ? 4 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await this.doFetch(url, { method, headers, body });
        break;
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        if (attempt < tries) {
          await sleep(100 * attempt);
          continue;
        }
        throw new ApiError(0, cause?.code ?? 'network_error', `cannot reach ${this.baseUrl}: ${cause?.message ?? (e as Error).message}`, method, path);
      }
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let code = `http_${res.status}`;
      let message = text.slice(0, 500) || res.statusText;
      try {
        const j = JSON.parse(text) as { error?: { code?: string; message?: string } };
        if (j.error) {
          code = j.error.code ?? code;
          message = j.error.message ?? message;
        }
      } catch {
        /* not JSON: keep the text */
      }
      throw new ApiError(res.status, code, message, method, path);
    }
    return res;
  }

  async json<T>(method: string, path: string, init: Parameters<SopilotClient['raw']>[2] = {}): Promise<T> {
    const res = await this.raw(method, path, { accept: 'application/json', ...init });
    return (await res.json()) as T;
  }

  async bytes(path: string, accept?: string): Promise<Buffer> {
    const res = await this.raw('GET', path, { accept });
    return Buffer.from(await res.arrayBuffer());
  }

  health(): Promise<unknown> {
    return this.json('GET', '/health');
  }

  /** POST /gold (role gold) or POST /videos (trainee|audit); streams the file from disk. */
  async upload(file: string, taskId: string, role: 'gold' | 'trainee' | 'audit' = 'trainee'): Promise<UploadAccepted> {
    const form = new FormData();
    // Fields before the file: the server reads them as they stream in.
    form.set('task_id', taskId);
    if (role !== 'gold') form.set('role', role);
    form.set('file', await openAsBlob(file, { type: 'video/mp4' }), basename(file));
    return this.json<UploadAccepted>('POST', role === 'gold' ? '/gold' : '/videos', { body: form });
  }

  job(id: string): Promise<JobView> {
    return this.json('GET', `/videos/jobs/${encodeURIComponent(id)}`);
  }
  video(id: string): Promise<VideoView> {
    return this.json('GET', `/videos/${encodeURIComponent(id)}`);
  }
  goldSteps(videoId: string): Promise<GoldStepsView> {
    return this.json('GET', `/gold/${encodeURIComponent(videoId)}/steps`);
  }
  /** PUT /gold/:id/steps (admin): sets the gold steps by time, replacing detected ones. */
  putGoldSteps(videoId: string, steps: Array<{ name: string; start_sec: number; end_sec: number }>): Promise<GoldStepsView> {
    return this.json('PUT', `/gold/${encodeURIComponent(videoId)}/steps`, { json: { steps } });
  }
  requestScore(goldVideoId: string, traineeVideoId: string): Promise<{ score_job_id: string }> {
    return this.json('POST', '/score', { json: { gold_video_id: goldVideoId, trainee_video_id: traineeVideoId } });
  }
  score(id: string): Promise<ScoreView> {
    return this.json('GET', `/score/${encodeURIComponent(id)}`);
  }
  report(score: Pick<ScoreView, 'id' | 'report_url'>): Promise<Buffer> {
    return this.bytes(score.report_url ?? `/score/${encodeURIComponent(score.id)}/report.pdf`, 'application/pdf');
  }
  auditTrail(q: { from?: string; to?: string; action?: string; subject?: string; limit?: number; cursor?: string } = {}): Promise<Page<Record<string, unknown>>> {
    return this.json('GET', '/audit/trail', { query: q });
  }
  queue(): Promise<QueueState> {
    return this.json('GET', '/ops/queue');
  }
  auditExport(range: { from?: string; to?: string } = {}): Promise<AuditExportCreated> {
    return this.json('POST', '/audit/export', { json: range });
  }
  /** The signed export (a JWS, text). */
  async downloadExport(created: AuditExportCreated): Promise<string> {
    const res = await this.raw('GET', created.download_url || `/audit/exports/${encodeURIComponent(created.export_id)}`, { accept: 'application/jose' });
    return res.text();
  }

  /** Waits until a job completes; throws FailedError with the job's error when it fails. */
  waitForJob(id: string, o?: PollOptions): Promise<JobView> {
    return pollUntil(`job ${id}`, () => this.job(id), (j) => {
      if (j.status === 'failed') throw new FailedError(`job ${id} (${j.kind})`, j.error);
      return j.status === 'completed';
    }, o);
  }

  /** Waits until a video is indexed (ingest done); throws FailedError when it failed. */
  waitForIndexed(id: string, o?: PollOptions): Promise<VideoView> {
    return pollUntil(`video ${id} ingest`, () => this.video(id), (v) => {
      if (v.status === 'failed' || v.status === 'deleted') throw new FailedError(`ingest of video ${id}`, v.error ?? v.status);
      return v.status === 'indexed';
    }, o);
  }

  /** Waits until a score is completed; throws FailedError with its error when it fails. */
  waitForScore(id: string, o?: PollOptions): Promise<ScoreView> {
    return pollUntil(`score ${id}`, () => this.score(id), (s) => {
      if (s.status === 'failed') throw new FailedError(`score ${id}`, s.error);
      return s.status === 'completed';
    }, o);
  }
}

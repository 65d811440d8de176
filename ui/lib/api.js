// API client: every call carries the user's token as a Bearer header; errors become ApiError
// with the API's {"error": {code, message}} text, so views can show it as it is.

const TOKEN_KEY = 'sopilot.token';

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** True when the API has no such route (an endpoint this server does not have yet), not a missing record. */
export function notAvailable(e) {
  return e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501) && /^no route for/.test(e.message);
}

/** Errors worth a Retry button: the network, or the server being busy or down for a moment. */
export function retryable(e) {
  return e instanceof ApiError && (e.status === 0 || e.status === 502 || e.status === 503 || e.status === 504);
}

/** A human sentence for an error, naming what 401/403 mean for the user. */
export function describeError(e) {
  if (!(e instanceof ApiError)) return String(e && e.message ? e.message : e);
  if (e.status === 401) return `Not signed in or the token was refused (401): ${e.message}`;
  if (e.status === 403) return `Your role may not do this (403): ${e.message}`;
  if (e.status === 0) return `The server could not be reached: ${e.message}`;
  if (notAvailable(e)) return `Not available on this server yet (${e.message}).`;
  return `${e.message} (${e.status} ${e.code})`;
}

async function toApiError(res) {
  let code = 'http_' + res.status;
  let message = res.statusText || 'request failed';
  try {
    const body = await res.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch {
    /* not JSON: keep the status text */
  }
  return new ApiError(res.status, code, message);
}

export class Api {
  /** @param {string} base API root URL ending in '/', e.g. 'http://host:8000/' */
  constructor(base, storage = globalThis.sessionStorage) {
    this.base = base;
    this.storage = storage;
    /** Called with the ApiError whenever the API answers 401 (the page asks for a token again). */
    this.onUnauthorized = null;
  }

  get token() {
    return this.storage.getItem(TOKEN_KEY) || '';
  }
  set token(t) {
    if (t) this.storage.setItem(TOKEN_KEY, t);
    else this.storage.removeItem(TOKEN_KEY);
  }

  url(path) {
    return new URL(path.replace(/^\//, ''), this.base).toString();
  }

  headers(extra = {}) {
    const h = { ...extra };
    if (this.token) h.Authorization = `Bearer ${this.token}`;
    return h;
  }

  async request(method, path, { body, token } = {}) {
    const headers = token !== undefined ? { Authorization: `Bearer ${token}` } : this.headers();
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(this.url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new ApiError(0, 'network_error', e.message);
    }
    if (!res.ok) {
      const err = await toApiError(res);
      if (err.status === 401 && token === undefined && this.onUnauthorized) this.onUnauthorized(err);
      throw err;
    }
    const type = res.headers.get('content-type') || '';
    return type.includes('json') ? res.json() : res.text();
  }

  get(path, opts) {
    return this.request('GET', path, opts);
  }
  post(path, body) {
    return this.request('POST', path, { body });
  }
  put(path, body) {
    return this.request('PUT', path, { body });
  }
  del(path) {
    return this.request('DELETE', path);
  }

  /** Fetches a protected file (video, PDF) with the token into a blob: URL; the caller revokes it. */
  async blobUrl(path) {
    let res;
    try {
      res = await fetch(this.url(path), { headers: this.headers() });
    } catch (e) {
      throw new ApiError(0, 'network_error', e.message);
    }
    if (!res.ok) throw await toApiError(res);
    return URL.createObjectURL(await res.blob());
  }

  /**
   * Multipart upload through XMLHttpRequest (fetch has no upload progress).
   * @param {string} path
   * @param {FormData} form
   * @param {(loaded: number, total: number) => void} onProgress
   * @returns {Promise<any>} the JSON answer
   */
  upload(path, form, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', this.url(path));
      if (this.token) xhr.setRequestHeader('Authorization', `Bearer ${this.token}`);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded, e.total);
      };
      xhr.onerror = () => reject(new ApiError(0, 'network_error', 'upload failed: connection error'));
      xhr.onload = () => {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          /* keep null */
        }
        if (xhr.status >= 200 && xhr.status < 300) return resolve(body);
        const err = new ApiError(xhr.status, body?.error?.code || `http_${xhr.status}`, body?.error?.message || xhr.statusText || 'upload failed');
        if (err.status === 401 && this.onUnauthorized) this.onUnauthorized(err);
        reject(err);
      };
      xhr.send(form);
    });
  }
}

/**
 * Calls fn every intervalMs until it returns a truthy value (which is returned), the signal
 * aborts, or timeoutMs passes.
 */
export async function poll(fn, { intervalMs = 1000, timeoutMs = 30 * 60 * 1000, signal } = {}) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) throw new Error('stopped');
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('gave up waiting');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

const enc = encodeURIComponent;
/** Query string from an object, leaving out empty values. */
function qs(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Every API call the page makes, by name: the one place that knows paths and shapes
 * (docs/api.md, "Supervisor workflow"). A server older than the UI answers 404 "no route for",
 * which describeError words as "not available on this server yet".
 * @param {Api} api
 */
export function endpoints(api) {
  return {
    me: () => api.get('/auth/me'),
    scoringRules: () => api.get('/ui/scoring-rules'),
    /** {steps: [10 colours], deviation, severity {high, medium, low}, verdict {pass, fail}}: the PDF's colours. */
    palette: () => api.get('/ui/palette.json'),
    // videos
    videos: (p) => api.get(`/videos${qs(p)}`),
    video: (id) => api.get(`/videos/${enc(id)}`),
    ingestJob: (id) => api.get(`/videos/jobs/${enc(id)}`),
    deleteVideo: (id, force = false) => api.del(`/videos/${enc(id)}${force ? '?force=true' : ''}`),
    reingest: (id) => api.post(`/videos/${enc(id)}/reingest`),
    videoFile: (id) => api.blobUrl(`/videos/${enc(id)}/file`),
    /** blob: URL of a stored frame; path is a similar failure's thumbnail_url (/videos/:id/thumbnail?t=). */
    thumbnail: (path) => api.blobUrl(path),
    // gold steps
    goldSteps: (id) => api.get(`/gold/${enc(id)}/steps`),
    saveGoldSteps: (id, steps) => api.put(`/gold/${enc(id)}/steps`, { steps }),
    // scores: filters task_id, video_id, worker_id, station, shift, passed, since, until, deviation_type, batch_id, cursor, limit
    score: (id) => api.get(`/score/${enc(id)}`),
    startScore: (gold, trainee) => api.post('/score', { gold_video_id: gold, trainee_video_id: trainee }),
    scores: (p) => api.get(`/scores${qs(p)}`),
    /** blob: URL of the matching runs as CSV (the server's text/csv, fetched with the token). */
    scoresCsv: async (p) => URL.createObjectURL(new Blob([await api.get(`/scores${qs({ ...p, format: 'csv' })}`)], { type: 'text/csv' })),
    /** Failed runs nobody reviewed (current scores): filters task_id, worker_id, station, limit, cursor. */
    reviewQueue: (p) => api.get(`/reviews/queue${qs(p)}`),
    /** Answers the score (GET /score/:id shape) with its new review. */
    review: (id, decision, comment) => api.post(`/score/${enc(id)}/review`, { decision, comment }),
    /** {task_id, since?} or {gold_video_id, trainee_video_ids}; answers the batch plus left_out. */
    batch: (body) => api.post('/score/batch', body),
    batchStatus: (id) => api.get(`/score/batch/${enc(id)}`),
    // tasks and analytics
    tasks: async () => (await api.get('/tasks')).items,
    task: (id) => api.get(`/tasks/${enc(id)}`),
    taskAnalytics: (id, p) => api.get(`/analytics/tasks/${enc(id)}${qs(p)}`),
    workerAnalytics: (id, p) => api.get(`/analytics/workers/${enc(id)}${qs(p)}`),
    // ops
    queues: () => api.get('/ops/queue'),
    verifyAudit: () => api.get('/audit/verify'),
  };
}

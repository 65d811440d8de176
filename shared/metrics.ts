import client from 'prom-client';

/** One registry per process: default Node metrics plus SOPilot's job, queue and stage metrics. */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'sopilot_' });

export const jobsTotal = new client.Counter({
  name: 'sopilot_jobs_total',
  help: 'Job transitions by kind and status',
  labelNames: ['kind', 'status'] as const,
  registers: [registry],
});

export const jobDuration = new client.Histogram({
  name: 'sopilot_job_duration_seconds',
  help: 'Wall time of a job run, by kind and final status',
  labelNames: ['kind', 'status'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
  registers: [registry],
});

export const queueDepth = new client.Gauge({
  name: 'sopilot_queue_depth',
  help: 'Events waiting per queue and state',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
});

export const eventsRejected = new client.Counter({
  name: 'sopilot_events_rejected_total',
  help: 'Malformed or unknown CloudEvents rejected, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const httpRequests = new client.Counter({
  name: 'sopilot_http_requests_total',
  help: 'HTTP requests by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const dtwDuration = new client.Histogram({
  name: 'sopilot_dtw_duration_seconds',
  help: 'DTW time (cost matrix + recurrence + path) by backend',
  labelNames: ['backend'] as const,
  buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5],
  registers: [registry],
});

export const embedDuration = new client.Histogram({
  name: 'sopilot_embed_duration_seconds',
  help: 'Embedding time per video by embedder',
  labelNames: ['embedder'] as const,
  buckets: [0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
  registers: [registry],
});

export const embedClipsPerSecond = new client.Gauge({
  name: 'sopilot_embed_clips_per_second',
  help: 'Clips per second of the last embedded video, by embedder',
  labelNames: ['embedder'] as const,
  registers: [registry],
});

export const gpuMemoryBytes = new client.Gauge({
  name: 'sopilot_gpu_memory_bytes',
  help: 'GPU memory in use by SOPilot work, when a GPU is used',
  labelNames: ['device'] as const,
  registers: [registry],
});

import { http } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import { buildOpenApi } from '../../shared/http/openapi.js';
import { getContext } from '../../shared/context.js';
import { registry, queueDepth } from '../../shared/metrics.js';
import { VERSION } from '../../shared/version.js';
import { refreshGpuMemory } from '../../shared/gpu-metrics.js';
import { dtwBackendInfo } from '../../shared/alignment/index.js';

const Readiness = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
});

async function check(fn: () => Promise<unknown>, ms = 3000): Promise<{ ok: boolean; error?: string }> {
  try {
    await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error(`no answer within ${ms} ms`)), ms).unref())]);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** HTTP trigger: liveness, readiness, Prometheus metrics, OpenAPI document. */
export const systemFunction = defineHttpFunction({
  name: 'system',
  mount(router) {
    route(router, { method: 'get', path: '/health', summary: 'Liveness', role: 'public', tag: 'system', response: z.object({ status: z.literal('ok'), version: z.string() }), errors: [] }, async (_req, res) => {
      res.json({ status: 'ok', version: VERSION });
    });
    route(router, { method: 'get', path: '/readiness', summary: 'Database, object store and queue reachable (503 naming what is not)', role: 'public', tag: 'system', response: Readiness, errors: [503] }, async (_req, res) => {
      const ctx = await getContext();
      const checks = {
        database: await check(() => ctx.db.query('SELECT 1')),
        object_store: await check(() => ctx.store.ping()),
        queue: await check(() => ctx.bus.ping()),
      };
      const ready = Object.values(checks).every((c) => c.ok);
      const failing = Object.entries(checks).filter(([, c]) => !c.ok).map(([k]) => k);
      res.status(ready ? 200 : 503).json({ ready, checks, ...(ready ? {} : { error: { code: 'not_ready', message: `not reachable: ${failing.join(', ')}` } }) });
    });
    route(router, { method: 'get', path: '/metrics', summary: 'Prometheus metrics', role: 'public', tag: 'system', responseContentType: 'text/plain', errors: [] }, async (_req, res) => {
      const ctx = await getContext();
      try {
        for (const q of await ctx.bus.stats()) {
          for (const state of ['waiting', 'active', 'delayed', 'failed', 'dead_letter'] as const) queueDepth.set({ queue: q.queue, state }, q[state]);
        }
      } catch {
        /* queue unreachable: keep the last values; /readiness reports it */
      }
      // GPU memory when a GPU does the work (CUDA DTW or the ONNX CUDA provider).
      const embedder = (await ctx.services.get('embedder')?.catch(() => null)) as { provider?: string } | null | undefined;
      await refreshGpuMemory(dtwBackendInfo().cuda.available || embedder?.provider === 'cuda');
      res.setHeader('Content-Type', registry.contentType);
      res.send(await registry.metrics());
    });
    route(router, { method: 'get', path: '/docs', summary: 'OpenAPI 3 document of this API', role: 'public', tag: 'system', errors: [] }, async (_req, res) => {
      res.json(buildOpenApi({ version: VERSION }));
    });
  },
});

http('system', buildHttpApp([systemFunction]));

import { z } from 'zod';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  role: 'public' | 'viewer' | 'operator' | 'admin';
  tag: string;
  body?: z.ZodType;
  multipart?: Record<string, { type: 'string' | 'binary'; description: string; required?: boolean }>;
  query?: z.ZodType;
  response?: z.ZodType;
  responseStatus?: number;
  responseContentType?: string;
  errors?: number[];
}

const docs: RouteDoc[] = [];

export function registerRouteDoc(d: RouteDoc): void {
  if (!docs.some((x) => x.method === d.method && x.path === d.path)) docs.push(d);
}

function schema(s: z.ZodType, io: 'input' | 'output'): unknown {
  return z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' });
}

const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** OpenAPI 3 document built from the same zod schemas the handlers validate with. */
export function buildOpenApi(info: { version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const d of [...docs].sort((a, b) => a.path.localeCompare(b.path))) {
    const p = d.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const params = [...d.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (d.query) {
      const qs = schema(d.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(qs.properties ?? {})) {
        params.push({ name, in: 'query', required: (qs.required ?? []).includes(name), schema: s as { type: string } });
      }
    }
    const op: Record<string, unknown> = {
      summary: d.summary,
      tags: [d.tag],
      parameters: params,
      'x-required-role': d.role,
      security: d.role === 'public' ? [] : [{ bearer: [] }, { basic: [] }],
      responses: {
        [String(d.responseStatus ?? 200)]: {
          description: 'success',
          content: {
            [d.responseContentType ?? 'application/json']: { schema: d.response ? schema(d.response, 'output') : {} },
          },
        },
        ...Object.fromEntries(
          (d.errors ?? [400, 401, 403, 404]).map((s) => [
            String(s),
            { description: 'error', content: { 'application/json': { schema: schema(ErrorSchema, 'output') } } },
          ]),
        ),
      },
    };
    if (d.body) op.requestBody = { required: true, content: { 'application/json': { schema: schema(d.body, 'input') } } };
    if (d.multipart) {
      op.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: Object.fromEntries(
                Object.entries(d.multipart).map(([k, v]) => [
                  k,
                  { type: 'string', ...(v.type === 'binary' ? { format: 'binary' } : {}), description: v.description },
                ]),
              ),
              required: Object.entries(d.multipart).filter(([, v]) => v.required).map(([k]) => k),
            },
          },
        },
      };
    }
    (paths[p] ??= {})[d.method] = op;
  }
  return {
    openapi: '3.0.3',
    info: { title: 'SOPilot API', version: info.version, description: 'Scores SOP performances from video.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, basic: { type: 'http', scheme: 'basic' } },
    },
    paths,
  };
}

/** Every registered route with its required role (for the role-table test and the docs). */
export function listRouteDocs(): readonly RouteDoc[] {
  return docs;
}

import { z } from 'zod';

export const TrailQuery = z.object({
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
  action: z.string().max(200).optional(),
  subject: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional(),
});
export const TrailPage = z.object({ items: z.array(z.record(z.string(), z.unknown())), next_cursor: z.string().nullable() });
export const VerifyResult = z.object({ ok: z.boolean(), rows: z.number(), first_bad_row: z.number().nullable(), reason: z.string().nullable().optional() });
export const ExportRequest = z.object({
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
});
export const ExportCreated = z.object({ export_id: z.string(), object_key: z.string(), download_url: z.string(), rows: z.number(), alg: z.string(), kid: z.string() });

import { z } from 'zod';

/**
 * Who recorded a video and where: worker_id, station, shift. Optional everywhere; one schema for
 * uploads, the watch folder and bucket-drop so every source accepts the same values.
 */
const WHO_CHARSET = /^[\p{L}\p{N}][\p{L}\p{N} ._:#@+-]*$/u;
// Blank means "not given" (an empty form field, an empty metadata value).
const whoField = (name: string, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() || undefined : v),
    z
      .string()
      .max(max, `${name} is at most ${max} characters`)
      .regex(WHO_CHARSET, `${name} may contain letters, digits, space and . _ : # @ + - (starting with a letter or digit)`)
      .optional(),
  );

export const WhoFields = z.object({
  worker_id: whoField('worker_id', 100),
  station: whoField('station', 100),
  shift: whoField('shift', 50),
});
export type Who = z.output<typeof WhoFields>;
export const WHO_KEYS = ['worker_id', 'station', 'shift'] as const;

/**
 * Folder segments written key=value (e.g. "worker_id=W12/station=Line 3"), as the watch folder
 * and bucket-drop accept between the role folder and the file name. Returns the values found
 * and an error message for a segment that is not such a pair.
 */
export function whoFromSegments(segments: string[]): { who: Record<string, string>; error: string | null } {
  const who: Record<string, string> = {};
  for (const seg of segments) {
    const m = /^(worker_id|station|shift)=(.*)$/.exec(seg);
    if (!m) return { who, error: `folder "${seg}" is not worker_id=…, station=… or shift=…` };
    who[m[1]] = m[2];
  }
  return { who, error: null };
}

/** S3 user metadata (x-amz-meta-worker-id or x-amz-meta-worker_id, …): keys arrive lower-cased. */
export function whoFromMetadata(meta: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!meta) return out;
  for (const [k, v] of Object.entries(meta)) {
    const key = k.toLowerCase().replace(/-/g, '_');
    if ((WHO_KEYS as readonly string[]).includes(key)) out[key] = v;
  }
  return out;
}

/** Validated who/where, or the zod issues as one message. */
export function parseWho(raw: Record<string, string | undefined>): { ok: true; who: Who } | { ok: false; error: string } {
  const r = WhoFields.safeParse(raw);
  if (r.success) return { ok: true, who: r.data };
  return { ok: false, error: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

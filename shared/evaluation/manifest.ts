// The evaluation manifest: labelled cases for `sopilot eval`. One schema for every set (real
// footage and its edits, the synthetic demo, the synthetic bench family), so each set is scored
// by the same rules. Paths are relative to the manifest's folder unless absolute.
import { z } from 'zod';

export const DEVIATION_TYPES = ['missing_step', 'order_swap', 'step_deviation', 'over_time', 'rework'] as const;
export type DeviationType = (typeof DEVIATION_TYPES)[number];

const stepTime = z.object({ name: z.string().min(1), start_sec: z.number().min(0), end_sec: z.number().positive() });
export type StepTime = z.infer<typeof stepTime>;

/** An ffmpeg edit of a source file, materialised by the harness into its cache (real sets). */
export const editSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('cut'), start_sec: z.number().min(0), end_sec: z.number().positive() }),
  z.object({ op: z.literal('swap'), a: z.tuple([z.number(), z.number()]), b: z.tuple([z.number(), z.number()]) }),
  z.object({ op: z.literal('slow'), start_sec: z.number().min(0), end_sec: z.number().positive(), factor: z.number().positive() }),
  z.object({ op: z.literal('repeat'), start_sec: z.number().min(0), end_sec: z.number().positive() }),
  /** Replace [start,end) with footage from another file (same length unless `insert_sec`). */
  z.object({ op: z.literal('replace'), start_sec: z.number().min(0), end_sec: z.number().positive(), other: z.string(), other_start_sec: z.number().min(0), insert_sec: z.number().positive().optional() }),
  z.object({ op: z.literal('camera'), crop: z.number().min(0).max(0.3).optional(), shift_x: z.number().optional(), shift_y: z.number().optional(),
    rotate_deg: z.number().optional(), brightness: z.number().optional(), width: z.number().int().optional(), height: z.number().int().optional(),
    fps: z.number().optional(), bitrate_k: z.number().int().optional(), noise: z.number().int().optional() }),
]);
export type Edit = z.infer<typeof editSchema>;

const videoRef = z.union([z.string().min(1), z.object({ source: z.string().min(1), edits: z.array(editSchema).min(1) })]);
export type VideoRef = z.infer<typeof videoRef>;

export const faultSchema = z.object({
  type: z.enum(DEVIATION_TYPES),
  /** The planted span in gold seconds. */
  gold_start_sec: z.number().min(0),
  gold_end_sec: z.number().positive(),
  /** Other types that also report this fault truly (a replaced step: step_deviation or missing_step). */
  also: z.array(z.enum(DEVIATION_TYPES)).optional(),
});
export type Fault = z.infer<typeof faultSchema>;

export const caseSchema = z.object({
  id: z.string().min(1),
  /** 'dev' cases may be looked at while tuning; 'heldout' ones are only reported. */
  split: z.enum(['dev', 'heldout']),
  category: z.enum(['correct', 'camera', 'fault', 'other_scene']),
  task_id: z.string().min(1).optional(),
  gold: videoRef,
  /** Gold steps given by times, or "detect" (the engine finds them). */
  gold_steps: z.union([z.literal('detect'), z.array(stepTime).min(1)]),
  /** The true gold steps, for boundary error when gold_steps is "detect". */
  true_gold_steps: z.array(stepTime).optional(),
  /** The trainee's own step times where known (tells a really slower step from a false over_time). */
  trainee_steps: z.array(stepTime).optional(),
  trainee: videoRef,
  expected: z.enum(['pass', 'fail']),
  faults: z.array(faultSchema).default([]),
  /** false when the trainee is filmed in another scene than the gold. */
  expect_same_scene: z.boolean().optional(),
  note: z.string().optional(),
});
export type EvalCase = z.infer<typeof caseSchema>;

const rate = z.number().min(0).max(1);
export const thresholdsSchema = z.object({
  /** Correct runs (category correct or camera) that pass with no finding above low. */
  correct_ok_rate: rate.optional(),
  camera_ok_rate: rate.optional(),
  /** Faulty runs that fail. */
  faulty_fail_rate: rate.optional(),
  /** Planted faults found with the right type on the right gold step. */
  fault_recall: rate.optional(),
  /** Cases whose every requirement holds. */
  case_ok_rate: rate.optional(),
  /** Mean absolute gold boundary error, seconds. */
  boundary_error_sec: z.number().positive().optional(),
});
export type Thresholds = z.infer<typeof thresholdsSchema>;

export const manifestSchema = z.object({
  version: z.literal(1),
  name: z.string().min(1),
  kind: z.enum(['real', 'synthetic']),
  description: z.string().optional(),
  /** Paths (relative to the manifest) that must exist; when one is absent the set is skipped. */
  requires: z.array(z.string()).default([]),
  /**
   * true: a missed threshold fails the run; false: reported only; 'dev': the thresholds gate on
   * the development part (what the engine was set on) and the held-out part is reported only.
   */
  gating: z.union([z.boolean(), z.literal('dev')]).default(true),
  thresholds: thresholdsSchema.default({}),
  cases: z.array(caseSchema).min(1),
});
export type EvalManifest = z.infer<typeof manifestSchema>;

export function parseManifest(json: unknown): EvalManifest {
  const r = manifestSchema.safeParse(json);
  if (!r.success) throw new Error(`invalid evaluation manifest: ${r.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const ids = new Set<string>();
  for (const c of r.data.cases) {
    if (ids.has(c.id)) throw new Error(`invalid evaluation manifest: duplicate case id ${c.id}`);
    ids.add(c.id);
    for (const f of c.faults) if (f.gold_end_sec <= f.gold_start_sec) throw new Error(`case ${c.id}: fault ${f.type} ends before it starts`);
  }
  return r.data;
}

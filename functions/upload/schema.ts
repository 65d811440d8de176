import { z } from 'zod';
import { WhoFields } from '../../shared/video-repo/who.js';

export const UploadFields = z.object({
  task_id: z
    // The schema-wide message is only for a missing value: zod 4 would use it for every issue.
    .string({ error: (i) => (i.input === undefined ? 'task_id is required' : 'task_id must be text') })
    .trim()
    .min(1, 'task_id is required')
    .max(200, 'task_id must be at most 200 characters')
    .regex(/^[A-Za-z0-9._:-]+$/, 'task_id may contain letters, digits, . _ : -'),
  role: z.enum(['gold', 'trainee', 'audit']).default('trainee'),
}).extend(WhoFields.shape);
export type UploadFields = z.output<typeof UploadFields>;

export const UploadAccepted = z.object({ video_id: z.string(), job_id: z.string() });

export const UPLOAD_MULTIPART = {
  file: { type: 'binary', description: 'the video file (mp4, mov, mkv, webm, avi, ...)', required: true },
  task_id: { type: 'string', description: 'the SOP task this video belongs to', required: true },
  role: { type: 'string', description: 'gold | trainee | audit (POST /gold forces gold)' },
  worker_id: { type: 'string', description: 'who performed (optional; ≤100 letters, digits, space . _ : # @ + -)' },
  station: { type: 'string', description: 'where (optional; ≤100, same characters)' },
  shift: { type: 'string', description: 'which shift (optional; ≤50, same characters)' },
} as const;

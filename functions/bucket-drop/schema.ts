import { z } from 'zod';
export { ObjectCreatedData as BucketNotification } from '../../shared/events/types.js';

export const DropResult = z.object({
  registered: z.array(z.object({ key: z.string(), video_id: z.string(), job_id: z.string() })),
  duplicates: z.array(z.object({ key: z.string(), video_id: z.string() })),
  skipped: z.array(z.object({ key: z.string(), reason: z.string() })),
});

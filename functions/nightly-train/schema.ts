import { z } from 'zod';
export { NightlyTickData as TrainInput } from '../../shared/events/types.js';
export const TrainRequest = z.object({ task_id: z.string().min(1).max(200).optional() });

import type { EventFunction, HttpFunction } from '../shared/functions.js';
import { uploadFunction } from './upload/index.js';
import { videosFunction } from './videos/index.js';
import { systemFunction } from './system/index.js';
import { eventsFunction } from './events/index.js';
import { scoresFunction } from './scores/index.js';
import { stepsFunction } from './steps/index.js';
import { auditFunction } from './audit/index.js';
import { opsFunction } from './ops/index.js';
import { uiFunction } from './ui/index.js';
import { nightlyTrainFunction, trainHttpFunction } from './nightly-train/index.js';
import { authFunction } from './auth/index.js';
import { bucketDropEventFunction, bucketDropHttpFunction } from './bucket-drop/index.js';
import { clipExtractFunction } from './clip-extract/index.js';
import { embedFunction } from './embed/index.js';
import { alignFunction } from './align/index.js';
import { scoreFunction } from './score/index.js';
import { reportFunction } from './report/index.js';
import { tasksFunction } from './tasks/index.js';
import { analyticsFunction } from './analytics/index.js';
import { reviewsFunction } from './reviews/index.js';

/** Every HTTP function, in mount order (the all-in-one host serves them all under their paths). */
export const httpFunctions: HttpFunction[] = [systemFunction, uploadFunction, videosFunction, scoresFunction, stepsFunction, tasksFunction, analyticsFunction, reviewsFunction, auditFunction, opsFunction, bucketDropHttpFunction, eventsFunction, trainHttpFunction, authFunction, uiFunction];

/** Every event function; hosts pick them by queue. */
export const eventFunctions: EventFunction[] = [clipExtractFunction, embedFunction, alignFunction, scoreFunction, reportFunction, bucketDropEventFunction, nightlyTrainFunction] as EventFunction[];

import { cloudEvent } from '@google-cloud/functions-framework';
import { defineEventFunction } from '../../shared/functions.js';
import { EventType } from '../../shared/events/types.js';
import { ffEventAdapter } from '../../shared/ff-adapter.js';
import { handleScoreDone } from './handler.js';

/** Event trigger: com.sopilot.score.done -> PDF report in the object store. */
export const reportFunction = defineEventFunction({
  name: 'report',
  triggers: [EventType.scoreDone],
  handle: handleScoreDone,
});

cloudEvent('report', ffEventAdapter(reportFunction));

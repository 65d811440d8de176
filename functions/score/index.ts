import { cloudEvent } from '@google-cloud/functions-framework';
import { defineEventFunction } from '../../shared/functions.js';
import { EventType } from '../../shared/events/types.js';
import { ffEventAdapter } from '../../shared/ff-adapter.js';
import { handleAlignmentDone } from './handler.js';

/** Event trigger: com.sopilot.alignment.done -> score + deviations -> com.sopilot.score.done. */
export const scoreFunction = defineEventFunction({
  name: 'score',
  triggers: [EventType.alignmentDone],
  handle: handleAlignmentDone,
});

cloudEvent('score', ffEventAdapter(scoreFunction));

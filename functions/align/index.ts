import { cloudEvent } from '@google-cloud/functions-framework';
import { defineEventFunction } from '../../shared/functions.js';
import { EventType, type EventData, type SopilotEvent } from '../../shared/events/types.js';
import { ffEventAdapter } from '../../shared/ff-adapter.js';
import type { Context } from '../../shared/context.js';
import { handleScoreRequested, handleVideoIndexed } from './handler.js';

/** Event trigger: com.sopilot.score.requested (and video.indexed for waiting scores) -> DTW path -> com.sopilot.alignment.done. */
export const alignFunction = defineEventFunction({
  name: 'align',
  triggers: [EventType.scoreRequested, EventType.videoIndexed],
  handle(event: SopilotEvent<unknown>, ctx: Context) {
    if (event.type === EventType.videoIndexed) return handleVideoIndexed(event as SopilotEvent<EventData<typeof EventType.videoIndexed>>, ctx);
    return handleScoreRequested(event as SopilotEvent<EventData<typeof EventType.scoreRequested>>, ctx);
  },
});

cloudEvent('align', ffEventAdapter(alignFunction));

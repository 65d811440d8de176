import { cloudEvent } from '@google-cloud/functions-framework';
import { defineEventFunction } from '../../shared/functions.js';
import { EventType } from '../../shared/events/types.js';
import { ffEventAdapter } from '../../shared/ff-adapter.js';
import { handleVideoUploaded } from './handler.js';

/** Event trigger: com.sopilot.video.uploaded -> frames + clip plan -> com.sopilot.clips.extracted. */
export const clipExtractFunction = defineEventFunction({
  name: 'clip-extract',
  triggers: [EventType.videoUploaded],
  handle: handleVideoUploaded,
});

cloudEvent('clip-extract', ffEventAdapter(clipExtractFunction));

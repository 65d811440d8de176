import { cloudEvent } from '@google-cloud/functions-framework';
import { defineEventFunction } from '../../shared/functions.js';
import { EventType } from '../../shared/events/types.js';
import { ffEventAdapter } from '../../shared/ff-adapter.js';
import { handleClipsExtracted } from './handler.js';

/** Event trigger (GPU-tagged): com.sopilot.clips.extracted -> clip vectors (+ gold steps) -> com.sopilot.video.indexed. */
export const embedFunction = defineEventFunction({
  name: 'embed',
  triggers: [EventType.clipsExtracted],
  handle: handleClipsExtracted,
});

cloudEvent('embed', ffEventAdapter(embedFunction));

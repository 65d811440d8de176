import type { EventFunction, HttpFunction } from '../shared/functions.js';
import { uploadFunction } from './upload/index.js';
import { videosFunction } from './videos/index.js';
import { systemFunction } from './system/index.js';
import { eventsFunction } from './events/index.js';

/** Every HTTP function, in mount order (the all-in-one host serves them all under their paths). */
export const httpFunctions: HttpFunction[] = [systemFunction, uploadFunction, videosFunction, eventsFunction];

/** Every event function; hosts pick them by queue. */
export const eventFunctions: EventFunction[] = [];

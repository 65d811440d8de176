export { ClipsExtractedData as EmbedInput, VideoIndexedData as EmbedOutput } from '../../shared/events/types.js';

export { VideoUploadedData as ClipExtractInput, ClipsExtractedData as ClipExtractOutput } from '../../shared/events/types.js';

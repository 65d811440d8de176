export { ScoreRequestedData as AlignInput, AlignmentDoneData as AlignOutput } from '../../shared/events/types.js';

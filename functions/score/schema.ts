export { AlignmentDoneData as ScoreInput, ScoreDoneData as ScoreOutput } from '../../shared/events/types.js';

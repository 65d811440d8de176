export { ScoreDoneData as ReportInput } from '../../shared/events/types.js';

export { renderScoreReport, renderPdf, STANDARD_FONTS } from './render.js';
export { scoreReportDefinition, CONTENT_WIDTH, type ScoreReportRecord, type ScoreReportOptions, type Thumbnail } from './score-report.js';
export { timelineContent } from './timeline.js';
export { stepColour, STEP_COLOURS, DEVIATION_COLOUR, SEVERITY_COLOURS, VERDICT_COLOURS, PALETTE } from './palette.js';
export { formatSeconds, formatRange, formatDate, deviationStepName, winAnsiSafe, DEVIATION_LABEL } from './format.js';

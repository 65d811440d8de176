export { renderScoreReport, renderPdf, STANDARD_FONTS } from './render.js';
export { scoreReportDefinition, CONTENT_WIDTH, type ScoreReportRecord, type ScoreReportOptions, type Thumbnail } from './score-report.js';
export { timelineContent, stepColour, STEP_COLOURS, DEVIATION_COLOUR } from './timeline.js';
export { formatSeconds, formatRange, formatDate, deviationStepName, winAnsiSafe, DEVIATION_LABEL } from './format.js';

/**
 * The one colour palette of steps, deviations and verdicts: the PDF report draws with it and the
 * web UI reads the same values from GET /ui/palette.json, so a step has one colour everywhere.
 * Step colours are distinct in print and at least 3:1 against white (WCAG non-text contrast).
 */
export const STEP_COLOURS = ['#2f6fde', '#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#5c9a1b', '#b8860b', '#1398a6', '#a6761d', '#6b6b6b'] as const;
export const DEVIATION_COLOUR = '#d62728';
export const SEVERITY_COLOURS = { high: DEVIATION_COLOUR, medium: '#c76b00', low: '#7f7f7f' } as const;
export const VERDICT_COLOURS = { pass: '#1a7f37', fail: DEVIATION_COLOUR } as const;

/** Step i's colour (cycled; index = the gold step index). */
export function stepColour(index: number): string {
  return STEP_COLOURS[((index % STEP_COLOURS.length) + STEP_COLOURS.length) % STEP_COLOURS.length]!;
}

/** What GET /ui/palette.json serves. */
export const PALETTE = { steps: STEP_COLOURS, deviation: DEVIATION_COLOUR, severity: SEVERITY_COLOURS, verdict: VERDICT_COLOURS } as const;

// Colours from GET /ui/palette.json: the ones the PDF report draws with, so a step has one
// colour in the page and on paper. Set as SVG fill attributes and Chart.js options (the page's
// CSP allows no inline styles).

const NS = 'http://www.w3.org/2000/svg';

/** Step i's colour (i = the gold step index), cycled as the PDF does. */
export function stepColour(palette, index) {
  return palette.steps[index % palette.steps.length];
}

/** A small square in a step's colour, for legends and tables. */
export function swatch(palette, index) {
  const svg = document.createElementNS(NS, 'svg');
  for (const [k, v] of Object.entries({ class: 'swatch', width: 11, height: 11, 'aria-hidden': 'true', 'data-colour': stepColour(palette, index) })) svg.setAttribute(k, String(v));
  const r = document.createElementNS(NS, 'rect');
  for (const [k, v] of Object.entries({ width: 11, height: 11, rx: 2, fill: stepColour(palette, index) })) r.setAttribute(k, String(v));
  svg.append(r);
  return svg;
}

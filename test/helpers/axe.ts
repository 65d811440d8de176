// axe-core (from node_modules) run inside a playwright page: the serious and critical
// accessibility violations of what the page shows now, as readable lines.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

let source: string | undefined;

export async function axeViolations(page: Page): Promise<string[]> {
  source ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated by the driver (DevTools), which the page's strict CSP does not govern, unlike an
  // inline <script>; so the test does not need to loosen the CSP it also checks.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${source}\n;void 0`);
  const found = await page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[]; failureSummary?: string }> }> }> } }).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join(' | ')}`);
  });
  return found;
}

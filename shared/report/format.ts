import type { Deviation, DeviationType, TimeRange } from '../scoring/types.js';

/** 83.456 -> "1:23.5"; under a minute "23.5 s" reads worse in a table than "0:23.5". */
export function formatSeconds(sec: number): string {
  if (!Number.isFinite(sec)) return '-';
  const sign = sec < 0 ? '-' : '';
  const s = Math.abs(sec);
  let m = Math.floor(s / 60);
  let rest = Math.round((s - m * 60) * 10) / 10;
  if (rest >= 60) {
    m += 1;
    rest -= 60;
  }
  return `${sign}${m}:${rest.toFixed(1).padStart(4, '0')}`;
}

export function formatRange(r: TimeRange | null | undefined): string {
  if (!r) return '-';
  return `${formatSeconds(r.start_sec)} - ${formatSeconds(r.end_sec)}`;
}

export const DEVIATION_LABEL: Record<DeviationType, string> = {
  missing_step: 'missing step',
  order_swap: 'order swap',
  step_deviation: 'step deviation',
  over_time: 'over time',
  rework: 'rework',
};

/** The step(s) a deviation is about; a swap names both. */
export function deviationStepName(d: Deviation): string {
  const a = d.gold_step ? `${d.gold_step.index + 1}. ${d.gold_step.name}` : '-';
  if (d.type === 'order_swap' && d.other_step) return `${a} <-> ${d.other_step.index + 1}. ${d.other_step.name}`;
  return a;
}

/** ISO-ish, UTC, minutes precision: what an auditor files. */
export function formatDate(x: string | Date | null | undefined): string {
  if (x === null || x === undefined || x === '') return '-';
  const d = x instanceof Date ? x : new Date(x);
  if (Number.isNaN(d.getTime())) return String(x);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The standard 14 PDF fonts only encode WinAnsi (Latin-1 plus a few). Characters outside it would
 * print as garbage, so they are replaced by "?" unless the caller supplies a Unicode font.
 */
export function winAnsiSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[^\x09\x0a\x0d\x20-\x7e\xa0-\xff\u20ac\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026]/g, '?');
}

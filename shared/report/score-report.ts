import type { Content, TDocumentDefinitions, TableCell } from 'pdfmake/interfaces.js';
import type { ScoreOutcome, Severity } from '../scoring/types.js';
import { DEVIATION_LABEL, deviationStepName, formatDate, formatRange, formatSeconds, winAnsiSafe } from './format.js';
import { DEVIATION_COLOUR, stepColour, timelineContent } from './timeline.js';

/** A score as the report shows it: the stored score row plus its outcome (steps carry their names). */
export interface ScoreReportRecord extends ScoreOutcome {
  id: string;
  task_id: string | null;
  /** Display name of the task, when known. */
  task_name?: string | null;
  gold_video_id: string;
  trainee_video_id: string;
  created_at: string | Date;
  completed_at: string | Date | null;
  gold_duration_sec?: number | null;
  trainee_duration_sec?: number | null;
}

export interface Thumbnail {
  label: string;
  png: Buffer;
}

export interface ScoreReportOptions {
  /** Key frames of deviations (PNG); a few are enough, each is printed about 160 pt wide. */
  thumbnails?: Thumbnail[];
  /** Hash of the audit row that recorded this result (printed on every page). */
  auditHash: string | null;
  /** Score at or above which the result is a PASS. */
  passThreshold: number;
  generatedAt: Date | string;
  /** Text run through winAnsiSafe (standard fonts). Set false when a Unicode font is supplied. */
  latinOnly?: boolean;
}

const PAGE_WIDTH = 595.28; // A4
const MARGIN_X = 40;
export const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X;
const LABEL_W = 58;

const SEVERITY_COLOUR: Record<Severity, string> = { high: DEVIATION_COLOUR, medium: '#e67e00', low: '#7f7f7f' };

/** Builds the pdfmake document for a score report (pure: no I/O, no clock). */
export function scoreReportDefinition(record: ScoreReportRecord, o: ScoreReportOptions): TDocumentDefinitions {
  const t = o.latinOnly === false ? (s: string) => s : winAnsiSafe;
  // The verdict is the scoring engine's: a blocking deviation (missing step, swap…) fails a run
  // whatever its score, so the threshold alone must not decide PASS.
  const passed = typeof record.passed === 'boolean' ? record.passed : record.score >= o.passThreshold;
  const scoreText = Number.isInteger(record.score) ? String(record.score) : record.score.toFixed(1);
  const task = record.task_name ? `${record.task_name}${record.task_id ? ` (${record.task_id})` : ''}` : (record.task_id ?? '-');
  const generated = o.generatedAt instanceof Date ? o.generatedAt : new Date(o.generatedAt);

  const info: TableCell[][] = [
    ['Score id', t(record.id)],
    ['Task', t(task)],
    ['Gold video', t(record.gold_video_id)],
    ['Trainee video', t(record.trainee_video_id)],
    ['Scored', `${formatDate(record.created_at)}  -  completed ${formatDate(record.completed_at)}`],
    ['Report generated', formatDate(generated)],
  ].map(([k, v]) => [{ text: k!, style: 'key' }, { text: v! }]);

  const header: Content = {
    columns: [
      { width: '*', stack: [{ text: 'SOP compliance report', style: 'title' }, { text: t(task), style: 'subtitle' }] },
      {
        width: 'auto',
        stack: [
          { text: scoreText, fontSize: 44, bold: true, alignment: 'right', color: passed ? '#1a7f37' : DEVIATION_COLOUR },
          { text: 'score / 100', fontSize: 8, alignment: 'right', color: '#555555' },
        ],
      },
      {
        width: 90,
        margin: [12, 8, 0, 0],
        table: {
          widths: ['*'],
          body: [[{ text: passed ? 'PASS' : 'FAIL', bold: true, fontSize: 18, alignment: 'center', color: '#ffffff', fillColor: passed ? '#1a7f37' : DEVIATION_COLOUR, margin: [0, 4, 0, 4] }],
            [{ text: passed || record.score < o.passThreshold ? `threshold ${o.passThreshold}` : `score >= ${o.passThreshold}, failed on a blocking deviation`, fontSize: 8, alignment: 'center', border: [false, false, false, false] }]],
        },
        layout: 'noBorders',
      },
    ],
  };

  const deviationRows: TableCell[][] = record.deviations.map((d, i) => [
    { text: String(i + 1), bold: true, color: DEVIATION_COLOUR },
    { text: DEVIATION_LABEL[d.type] ?? d.type },
    { text: d.severity, color: SEVERITY_COLOUR[d.severity] ?? '#000000', bold: d.severity === 'high' },
    { text: t(deviationStepName(d)) },
    { text: d.gold_step ? formatRange(d.gold_step) : '-', noWrap: true },
    { text: formatRange(d.trainee), noWrap: true },
    { text: t(d.message) },
  ]);
  const deviationTable: Content = record.deviations.length
    ? {
        table: {
          headerRows: 1,
          dontBreakRows: true,
          widths: [12, 58, 38, 90, 62, 62, '*'],
          body: [['#', 'Type', 'Severity', 'Step', 'Gold time', 'Trainee time', 'What happened'].map((h) => ({ text: h, style: 'th' })), ...deviationRows],
        },
        layout: 'lightHorizontalLines',
        fontSize: 8,
      }
    : { text: 'No deviations: the trainee followed the procedure.', italics: true };

  const stepRows: TableCell[][] = record.steps.map((s) => [
    { text: '', fillColor: stepColour(s.index) },
    { text: String(s.index + 1) },
    { text: t(s.name) },
    { text: formatRange(s.gold), noWrap: true },
    { text: s.trainee ? formatRange(s.trainee) : 'not found', noWrap: true, color: s.trainee ? '#000000' : DEVIATION_COLOUR },
    { text: s.mean_similarity === null ? '-' : s.mean_similarity.toFixed(2), alignment: 'right' },
    { text: s.duration_ratio === null ? '-' : `${s.duration_ratio.toFixed(2)}x`, alignment: 'right' },
  ]);
  const stepTable: Content = {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: [8, 14, '*', 70, 70, 48, 48],
      body: [['', '#', 'Step', 'Gold time', 'Trainee time', 'Similarity', 'Duration'].map((h) => ({ text: h, style: 'th' })), ...stepRows],
    },
    layout: 'lightHorizontalLines',
    fontSize: 8,
  };

  const goldDur = record.gold_duration_sec ?? Math.max(0, ...record.steps.map((s) => s.gold.end_sec));
  const traineeDur = record.trainee_duration_sec ?? Math.max(0, ...record.steps.map((s) => s.trainee?.end_sec ?? 0), ...record.deviations.map((d) => d.trainee?.end_sec ?? 0));
  const timeline: Content = {
    unbreakable: true,
    stack: [
      { text: 'Timeline', style: 'h2' },
      {
        columns: [
          {
            width: LABEL_W,
            fontSize: 8,
            stack: [
              { text: 'Gold', bold: true, margin: [0, 16, 0, 0] },
              { text: `0 - ${formatSeconds(goldDur)}`, color: '#555555' },
              { text: 'Trainee', bold: true, margin: [0, 26, 0, 0] },
              { text: `0 - ${formatSeconds(traineeDur)}`, color: '#555555' },
            ],
          },
          { width: '*', stack: [timelineContent(record.steps, record.deviations, { width: CONTENT_WIDTH - LABEL_W, goldDurationSec: goldDur, traineeDurationSec: traineeDur })] },
        ],
      },
      {
        text: 'Each bar runs on its own video\'s time scale. Colours are the steps (see the step table); lines join a gold step to where the trainee did it. Red: deviations, numbered as in the table below; dashed red: a gold step not found in the trainee video.',
        fontSize: 7,
        color: '#555555',
        margin: [0, 4, 0, 0],
      },
    ],
  };

  const thumbs = (o.thumbnails ?? []).slice(0, 9);
  const thumbRows: Content[] = [];
  for (let i = 0; i < thumbs.length; i += 3) {
    thumbRows.push({
      columnGap: 12,
      margin: [0, 0, 0, 8],
      columns: thumbs.slice(i, i + 3).map((th) => ({
        width: (CONTENT_WIDTH - 24) / 3,
        stack: [
          { image: `data:image/png;base64,${th.png.toString('base64')}`, fit: [(CONTENT_WIDTH - 24) / 3, 120] },
          { text: t(th.label), fontSize: 7, margin: [0, 2, 0, 0] },
        ],
      })),
    });
  }

  const breakdown = Object.entries(record.breakdown ?? {});
  const content: Content[] = [
    header,
    { table: { widths: [90, '*'], body: info }, layout: 'noBorders', fontSize: 9, margin: [0, 10, 0, 0] },
    timeline,
    { text: `Deviations (${record.deviations.length})`, style: 'h2' },
    deviationTable,
    { text: 'Steps', style: 'h2' },
    stepTable,
  ];
  if (breakdown.length) {
    content.push({ text: 'Score breakdown', style: 'h2' }, {
      text: breakdown.map(([k, v]) => `${k}: ${Number.isInteger(v) ? v : v.toFixed(3)}`).join('   '),
      fontSize: 8,
    });
  }
  if (thumbRows.length) content.push({ text: 'Key frames of deviations', style: 'h2', pageBreak: undefined }, ...thumbRows);

  return {
    pageSize: 'A4',
    pageMargins: [MARGIN_X, 40, MARGIN_X, 46],
    info: {
      title: `SOPilot score report ${record.id}`,
      subject: `Task ${record.task_id ?? '-'}`,
      creator: 'SOPilot',
      producer: 'SOPilot',
      creationDate: generated,
      modDate: generated,
    } as TDocumentDefinitions['info'],
    defaultStyle: { font: 'Helvetica', fontSize: 9 },
    styles: {
      title: { fontSize: 18, bold: true },
      subtitle: { fontSize: 11, color: '#444444', margin: [0, 2, 0, 0] },
      h2: { fontSize: 11, bold: true, margin: [0, 14, 0, 6] },
      th: { bold: true, color: '#333333' },
      key: { bold: true, color: '#444444' },
    },
    content,
    footer: (page: number, pages: number): Content => ({
      margin: [MARGIN_X, 12, MARGIN_X, 0],
      columns: [
        { text: `Audit hash (SHA-256): ${o.auditHash ?? 'not recorded'}`, fontSize: 7, font: 'Courier', width: '*' },
        { text: `page ${page} of ${pages}`, fontSize: 7, alignment: 'right', width: 60 },
      ],
    }),
  };
}

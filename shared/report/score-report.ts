import type { Content, TDocumentDefinitions, TableCell } from 'pdfmake/interfaces.js';
import type { ScoreOutcome, Severity } from '../scoring/types.js';
import { DEVIATION_LABEL, deviationStepName, formatDate, formatRange, formatSeconds, winAnsiSafe } from './format.js';
import { breakdownInWords } from './breakdown-words.js';
import { timelineContent } from './timeline.js';
import { DEVIATION_COLOUR, SEVERITY_COLOURS, VERDICT_COLOURS, stepColour } from './palette.js';

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
  /** Display names (the uploaded file names), printed beside the ids. */
  gold_name?: string | null;
  trainee_name?: string | null;
  worker_id?: string | null;
  station?: string | null;
  shift?: string | null;
  /** The rule a PASS needs and why this run failed, in words (task-rules.ts). */
  verdict?: { rule: string; reasons: string[]; pass_threshold: number } | null;
  /** The automatic verdict (engine + task rules) when a reviewer's decision replaced it. */
  engine_passed?: boolean | null;
  review?: { decision: 'confirm' | 'override_pass' | 'override_fail'; comment: string | null; reviewed_by: string | null; reviewed_at: string | Date | null } | null;
  /** Things the task's rules allowed (an optional step left out, an order group), in words. */
  information?: Array<{ message: string }>;
}

const DECISION_WORDS = { confirm: 'confirmed the automatic verdict', override_pass: 'overrode the verdict to PASS', override_fail: 'overrode the verdict to FAIL' } as const;

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

const SEVERITY_COLOUR: Record<Severity, string> = SEVERITY_COLOURS;

/** Builds the pdfmake document for a score report (pure: no I/O, no clock). */
export function scoreReportDefinition(record: ScoreReportRecord, o: ScoreReportOptions): TDocumentDefinitions {
  const t = o.latinOnly === false ? (s: string) => s : winAnsiSafe;
  // The verdict is the scoring engine's: a blocking deviation (missing step, swap…) fails a run
  // whatever its score, so the threshold alone must not decide PASS.
  const passed = typeof record.passed === 'boolean' ? record.passed : record.score >= o.passThreshold;
  const scoreText = Number.isInteger(record.score) ? String(record.score) : record.score.toFixed(1);
  const task = record.task_name ? `${record.task_name}${record.task_id ? ` (${record.task_id})` : ''}` : (record.task_id ?? '-');
  const named = (name: string | null | undefined, id: string) => (name ? `${name} (${id})` : id);
  const threshold = record.verdict?.pass_threshold ?? o.passThreshold;
  const who = [record.worker_id && `worker ${record.worker_id}`, record.station && `station ${record.station}`, record.shift && `shift ${record.shift}`].filter(Boolean).join(', ');
  const generated = o.generatedAt instanceof Date ? o.generatedAt : new Date(o.generatedAt);

  const info: TableCell[][] = [
    ['Score id', t(record.id)],
    ['Task', t(task)],
    ['Gold video', t(named(record.gold_name, record.gold_video_id))],
    ['Trainee video', t(named(record.trainee_name, record.trainee_video_id))],
    ...(who ? [['Performed by', t(who)]] : []),
    ['Scored', `${formatDate(record.created_at)}  -  completed ${formatDate(record.completed_at)}`],
    ['Report generated', formatDate(generated)],
  ].map(([k, v]) => [{ text: k!, style: 'key' }, { text: v! }]);

  const header: Content = {
    columns: [
      { width: '*', stack: [{ text: 'SOP compliance report', style: 'title' }, { text: t(task), style: 'subtitle' }] },
      {
        width: 'auto',
        stack: [
          { text: scoreText, fontSize: 44, bold: true, alignment: 'right', color: passed ? VERDICT_COLOURS.pass : DEVIATION_COLOUR },
          { text: 'score / 100', fontSize: 8, alignment: 'right', color: '#555555' },
        ],
      },
      {
        width: 90,
        margin: [12, 8, 0, 0],
        table: {
          widths: ['*'],
          body: [[{ text: passed ? 'PASS' : 'FAIL', bold: true, fontSize: 18, alignment: 'center', color: '#ffffff', fillColor: passed ? VERDICT_COLOURS.pass : DEVIATION_COLOUR, margin: [0, 4, 0, 4] }],
            [{ text: record.review && record.review.decision !== 'confirm' ? `reviewed (automatic: ${record.engine_passed ? 'PASS' : 'FAIL'})` : passed || record.score < threshold ? `threshold ${threshold}` : `score >= ${threshold}, failed on a blocking deviation`, fontSize: 8, alignment: 'center', border: [false, false, false, false] }]],
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

  // The verdict, the rule behind it and the review, in words, right under the header.
  const verdictLines: Content[] = [];
  if (record.verdict) {
    verdictLines.push({ text: t(record.verdict.rule) });
    if (record.verdict.reasons.length) verdictLines.push({ ul: record.verdict.reasons.map((r) => t(r)), margin: [0, 2, 0, 0] });
  } else {
    verdictLines.push({ text: `A pass needs a score of at least ${threshold} and no blocking deviation.` });
  }
  if (record.review) {
    const r = record.review;
    verdictLines.push({
      margin: [0, 4, 0, 0],
      text: [
        { text: 'Review: ', bold: true },
        t(`${r.reviewed_by ?? 'a reviewer'} ${DECISION_WORDS[r.decision]} on ${formatDate(r.reviewed_at)}`),
        r.decision === 'confirm' ? '' : ` (automatic verdict: ${record.engine_passed ? 'PASS' : 'FAIL'})`,
        r.comment ? t(`: "${r.comment}"`) : '.',
      ],
    });
  } else if (!passed) {
    verdictLines.push({ text: 'Not reviewed yet.', italics: true, margin: [0, 4, 0, 0] });
  }
  const words = breakdownInWords(record.breakdown);
  const content: Content[] = [
    header,
    { table: { widths: [90, '*'], body: info }, layout: 'noBorders', fontSize: 9, margin: [0, 10, 0, 0] },
    { text: 'Verdict', style: 'h2' },
    { stack: verdictLines, fontSize: 9 },
    timeline,
    { text: `Deviations (${record.deviations.length})`, style: 'h2' },
    deviationTable,
  ];
  if (record.information?.length) content.push({ text: 'Allowed by the task definition', style: 'h2' }, { ul: record.information.map((x) => t(x.message)), fontSize: 8 });
  content.push({ text: 'Steps', style: 'h2' }, stepTable);
  if (words.length) content.push({ text: 'How the score was reached', style: 'h2' }, { ul: words.map((w) => t(w)), fontSize: 8 });
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

import PdfPrinter from 'pdfmake';
import type { TDocumentDefinitions, TFontDictionary } from 'pdfmake/interfaces.js';
import { scoreReportDefinition, type ScoreReportOptions, type ScoreReportRecord } from './score-report.js';

/**
 * The standard 14 PDF fonts, built into pdfkit as AFM metrics: nothing to download or embed.
 * They cover WinAnsi (Latin-1) text only.
 */
export const STANDARD_FONTS: TFontDictionary = {
  Helvetica: { normal: 'Helvetica', bold: 'Helvetica-Bold', italics: 'Helvetica-Oblique', bolditalics: 'Helvetica-BoldOblique' },
  Courier: { normal: 'Courier', bold: 'Courier-Bold', italics: 'Courier-Oblique', bolditalics: 'Courier-BoldOblique' },
};

/** Renders any pdfmake document to a PDF buffer (server-side, standard fonts unless others are given). */
export function renderPdf(doc: TDocumentDefinitions, fonts: TFontDictionary = STANDARD_FONTS): Promise<Buffer> {
  const printer = new PdfPrinter(fonts);
  const pdf = printer.createPdfKitDocument(doc);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    pdf.end();
  });
}

/** The score report as a PDF. Same record, options and generatedAt give the same layout. */
export function renderScoreReport(record: ScoreReportRecord, o: ScoreReportOptions): Promise<Buffer> {
  return renderPdf(scoreReportDefinition(record, o));
}

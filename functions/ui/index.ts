import { http } from '@google-cloud/functions-framework';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';
import { defineHttpFunction } from '../../shared/functions.js';
import { buildHttpApp } from '../../shared/http/app.js';
import { registerRouteDoc } from '../../shared/http/openapi.js';
import { authorize } from '../../shared/http/authorize.js';
import { getContext } from '../../shared/context.js';
import { scoringOptions } from '../../shared/score-jobs/compute.js';
import { AppError } from '../../shared/errors.js';
import { PALETTE } from '../../shared/report/palette.js';
import { createStaticReader, etagMatches, resolveStaticPath } from './static.js';

/** The folder of the UI's static files (ui/ at the repository root). */
export const UI_ROOT = fileURLToPath(new URL('../../ui/', import.meta.url));

/**
 * Browser libraries the page loads from node_modules (no CDN): URL name under /ui/vendor/ ->
 * file. A fixed list, so nothing else in node_modules is reachable.
 */
export const VENDOR_FILES: Readonly<Record<string, string>> = {
  'chart.umd.min.js': fileURLToPath(new URL('../../node_modules/chart.js/dist/chart.umd.min.js', import.meta.url)),
};

// The page loads only its own files; videos and PDFs come in as blob: URLs fetched with the token.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export interface UiOptions {
  /** Folder holding index.html, app.js, styles.css. Default: ui/ at the repository root. */
  root?: string;
}

/** Builds the UI function; `uiFunction` is the default instance. */
export function createUiFunction(o: UiOptions = {}) {
  const root = o.root ?? UI_ROOT;
  const read = createStaticReader();

  async function serve(req: Request, res: Response): Promise<void> {
    let rel: string;
    try {
      rel = decodeURIComponent(req.path.slice('/ui/'.length));
    } catch {
      throw new AppError(400, 'bad_path', 'malformed path');
    }
    const file = rel.startsWith('vendor/') ? (Object.hasOwn(VENDOR_FILES, rel.slice(7)) ? VENDOR_FILES[rel.slice(7)] : null) : resolveStaticPath(root, rel);
    const found = file ? await read(file) : null;
    if (!found) throw new AppError(404, 'not_found', `no UI file ${req.path}`);
    res.setHeader('Content-Type', found.contentType);
    // File names carry no content hash, so browsers revalidate each time (cheap 304s by ETag).
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', found.etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (found.contentType.startsWith('text/html')) {
      res.setHeader('Content-Security-Policy', CSP);
      res.setHeader('X-Frame-Options', 'DENY');
    }
    if (etagMatches(req.headers['if-none-match'], found.etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Length', String(found.body.length));
    res.status(200).end(req.method === 'HEAD' ? undefined : found.body);
  }

  return defineHttpFunction({
    name: 'ui',
    mount(router) {
      registerRouteDoc({ method: 'get', path: '/ui/', summary: 'Web UI (static page; it asks for a token and calls this API with it)', role: 'public', tag: 'ui', responseContentType: 'text/html', errors: [404] });
      // "/ui" also matches "/ui/" (non-strict routing); only the bare form is redirected, and
      // relatively, so the page keeps working behind a path prefix (e.g. /function/ui/ui).
      const entry = (req: Request, res: Response) => {
        if (req.path.endsWith('/')) return serve(req, res);
        const q = req.originalUrl.indexOf('?');
        res.redirect(301, `ui/${q >= 0 ? req.originalUrl.slice(q) : ''}`);
      };
      // One palette for the UI and the PDF (shared/report/palette.ts); before the static files.
      registerRouteDoc({ method: 'get', path: '/ui/palette.json', summary: 'The step, deviation, severity and verdict colours the PDF report uses (for the UI)', role: 'public', tag: 'ui', errors: [] });
      router.get('/ui/palette.json', (_req, res) => {
        res.setHeader('Cache-Control', 'no-cache');
        res.json(PALETTE);
      });
      // The verdict rule, so the page can say why a run failed (the score itself stores only
      // the count of blocking deviations). Per-task thresholds come from GET /tasks/:id.
      registerRouteDoc({ method: 'get', path: '/ui/scoring-rules', summary: "The engine's pass threshold and blocking severities (the page says why a run failed)", role: 'viewer', tag: 'ui', errors: [401, 403] });
      router.get('/ui/scoring-rules', authorize('viewer'), async (_req: Request, res: Response) => {
        const o = scoringOptions(await getContext());
        res.json({ pass_threshold: o.passThreshold, blocking_severity: o.blockingSeverity });
      });
      router.get('/ui', entry);
      router.get('/ui/{*path}', serve);
    },
  });
}

/** HTTP trigger: the web UI under /ui/ (public static files; API calls carry the user's token). */
export const uiFunction = createUiFunction();

http('ui', buildHttpApp([uiFunction]));

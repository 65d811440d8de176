import { http } from '@google-cloud/functions-framework';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import * as h from './handler.js';
import { ListScoresQuery, ScoreAccepted, ScoreRequest, ScoreView } from './schema.js';

/** HTTP trigger: request a score, read it, list scores, download the PDF report. */
export const scoresFunction = defineHttpFunction({
  name: 'scores',
  mount(router) {
    route(router, { method: 'post', path: '/score', summary: 'Score a trainee video against a gold video (async)', role: 'operator', tag: 'scores', body: ScoreRequest, response: ScoreAccepted, responseStatus: 202, errors: [400, 401, 403, 404, 409, 503] }, (req, res, i) => h.create(req, res, i.body));
    route(router, { method: 'get', path: '/score/:id', summary: 'A score: status, 0-100, deviations, steps, DTW path', role: 'viewer', tag: 'scores', response: ScoreView }, (req, res) => h.get(req, res));
    route(router, { method: 'get', path: '/score/:id/report.pdf', summary: 'The audit report (PDF)', role: 'viewer', tag: 'scores', responseContentType: 'application/pdf', errors: [401, 403, 404, 409] }, (req, res) => h.report(req, res));
    route(router, { method: 'get', path: '/scores', summary: 'List scores (filter by task_id or video_id)', role: 'viewer', tag: 'scores', query: ListScoresQuery }, (req, res, i) => h.list(req, res, i.query));
  },
});

http('scores', buildHttpApp([scoresFunction]));

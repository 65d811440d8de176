import { http } from '@google-cloud/functions-framework';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import * as h from './handler.js';
import { BatchAccepted, BatchRequest, BatchView, ListScoresQuery, ScoreAccepted, ScoreList, ScoreRequest, ScoreView } from './schema.js';

/** HTTP trigger: request a score, read it, list scores, download the PDF report. */
export const scoresFunction = defineHttpFunction({
  name: 'scores',
  mount(router) {
    route(router, { method: 'post', path: '/score', summary: 'Score a trainee video against a gold video (async)', role: 'operator', tag: 'scores', body: ScoreRequest, response: ScoreAccepted, responseStatus: 202, errors: [400, 401, 403, 404, 409, 503] }, (req, res, i) => h.create(req, res, i.body));
    route(router, { method: 'post', path: '/score/batch', summary: 'Score many trainees: gold_video_id with trainee_video_ids, or task_id (its new or not yet re-scored trainees) with since', role: 'operator', tag: 'scores', body: BatchRequest, response: BatchAccepted, responseStatus: 202, errors: [400, 401, 403, 404, 409] }, (req, res, i) => h.createBatchHandler(req, res, i.body));
    route(router, { method: 'get', path: '/score/batch/:id', summary: "A batch's progress: counts by status and each score", role: 'viewer', tag: 'scores', response: BatchView }, (req, res) => h.getBatch(req, res));
    route(router, { method: 'get', path: '/score/:id', summary: 'A score: status, 0-100, deviations, steps, DTW path', role: 'viewer', tag: 'scores', response: ScoreView }, (req, res) => h.get(req, res));
    route(router, { method: 'get', path: '/score/:id/report.pdf', summary: 'The audit report (PDF)', role: 'viewer', tag: 'scores', responseContentType: 'application/pdf', errors: [401, 403, 404, 409] }, (req, res) => h.report(req, res));
    route(router, { method: 'get', path: '/scores', summary: 'Score history: filter by task, video, worker, station, shift, verdict, time, deviation type, batch; keyset pages or CSV', role: 'viewer', tag: 'scores', query: ListScoresQuery, response: ScoreList }, (req, res, i) => h.list(req, res, i.query));
  },
});

http('scores', buildHttpApp([scoresFunction]));

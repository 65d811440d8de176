import { http } from '@google-cloud/functions-framework';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import * as h from './handler.js';
import { ReviewQueue, ReviewQueueQuery, ReviewRequest, ScoreView } from './schema.js';

/** HTTP trigger: a supervisor's review of a score, and the queue of failed runs awaiting one. */
export const reviewsFunction = defineHttpFunction({
  name: 'reviews',
  mount(router) {
    route(router, { method: 'post', path: '/score/:id/review', summary: "Review a completed score: confirm, override_pass or override_fail (the engine's verdict is kept beside it)", role: 'operator', tag: 'reviews', body: ReviewRequest, response: ScoreView, errors: [400, 401, 403, 404, 409] }, (req, res, i) => h.review(req, res, i.body));
    route(router, { method: 'get', path: '/reviews/queue', summary: 'Failed runs not yet reviewed (current score of each trainee video), newest first', role: 'viewer', tag: 'reviews', query: ReviewQueueQuery, response: ReviewQueue }, (req, res, i) => h.queue(req, res, i.query));
  },
});

http('reviews', buildHttpApp([reviewsFunction]));

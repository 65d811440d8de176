import { http } from '@google-cloud/functions-framework';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import * as h from './handler.js';
import { AnalyticsQuery, TaskAnalytics, WorkerAnalytics } from './schema.js';

/** HTTP trigger: pass rates and step timing per task and per worker (current score of each run). */
export const analyticsFunction = defineHttpFunction({
  name: 'analytics',
  mount(router) {
    route(router, { method: 'get', path: '/analytics/tasks/:id', summary: "A task's runs, pass rate, per step deviations by type and duration spread against the gold, by worker and by week", role: 'viewer', tag: 'analytics', query: AnalyticsQuery, response: TaskAnalytics }, (req, res, i) => h.task(req, res, i.query));
    route(router, { method: 'get', path: '/analytics/workers/:id', summary: "A worker's runs, pass rate, deviations by type, by task and by week, latest runs", role: 'viewer', tag: 'analytics', query: AnalyticsQuery, response: WorkerAnalytics }, (req, res, i) => h.worker(req, res, i.query));
  },
});

http('analytics', buildHttpApp([analyticsFunction]));

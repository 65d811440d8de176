import { http } from '@google-cloud/functions-framework';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import * as h from './handler.js';
import { PutTask, PutTaskResult, TaskDetail, TaskList } from './schema.js';

/** HTTP trigger: the tasks (SOPs): list, read, and the versioned definition admins set. */
export const tasksFunction = defineHttpFunction({
  name: 'tasks',
  mount(router) {
    route(router, { method: 'get', path: '/tasks', summary: 'Every task (defined or named by uploads) with its current gold and counts', role: 'viewer', tag: 'tasks', response: TaskList }, (req, res) => h.list(req, res));
    route(router, { method: 'get', path: '/tasks/:id', summary: "A task's SOP definition (defaults when it has none), its current gold and every gold step's rules", role: 'viewer', tag: 'tasks', response: TaskDetail }, (req, res) => h.get(req, res));
    route(router, { method: 'put', path: '/tasks/:id', summary: "Set a task's SOP definition (a new version when it changes); offers re-scoring", role: 'admin', tag: 'tasks', body: PutTask, response: PutTaskResult, errors: [400, 401, 403, 404, 409] }, (req, res, i) => h.put(req, res, i.body));
  },
});

http('tasks', buildHttpApp([tasksFunction]));

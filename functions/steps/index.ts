import { http } from '@google-cloud/functions-framework';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import * as h from './handler.js';
import { PutSteps, StepModelView, StepsView } from './schema.js';

/** HTTP trigger: read a gold video's steps and step model; admins override boundaries and name them. */
export const stepsFunction = defineHttpFunction({
  name: 'steps',
  mount(router) {
    route(router, { method: 'get', path: '/gold/:id/steps', summary: "A gold video's steps (detected or set by an admin)", role: 'viewer', tag: 'steps', response: StepsView }, (req, res) => h.get(req, res));
    route(router, { method: 'put', path: '/gold/:id/steps', summary: "Override a gold video's step boundaries and names", role: 'admin', tag: 'steps', body: PutSteps, response: StepsView, errors: [400, 401, 403, 404, 409] }, (req, res, i) => h.put(req, res, i.body));
    route(router, { method: 'get', path: '/gold/:id/step-model', summary: "A gold video's per-step tolerances learned from accepted runs (null before the first fit)", role: 'viewer', tag: 'steps', response: StepModelView }, (req, res) => h.getStepModel(req, res));
  },
});

http('steps', buildHttpApp([stepsFunction]));

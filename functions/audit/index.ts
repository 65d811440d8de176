import { http } from '@google-cloud/functions-framework';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import * as h from './handler.js';
import { ExportCreated, ExportRequest, TrailPage, TrailQuery, VerifyResult } from './schema.js';

/** HTTP trigger: the hash-chained audit trail, its verification, and signed exports (admin). */
export const auditFunction = defineHttpFunction({
  name: 'audit',
  mount(router) {
    route(router, { method: 'get', path: '/audit/trail', summary: 'Audit trail (filter by time, action, subject; cursor pagination)', role: 'admin', tag: 'audit', query: TrailQuery, response: TrailPage }, (req, res, i) => h.trail(req, res, i.query));
    route(router, { method: 'get', path: '/audit/verify', summary: 'Check the hash chain: any edited or deleted row is found', role: 'admin', tag: 'audit', response: VerifyResult }, (req, res) => h.verify(req, res));
    route(router, { method: 'post', path: '/audit/export', summary: 'Write a signed (JWS) export of the trail and the scores it refers to', role: 'admin', tag: 'audit', body: ExportRequest, response: ExportCreated, responseStatus: 201, errors: [400, 401, 403, 409, 503] }, (req, res, i) => h.createExport(req, res, i.body));
    route(router, { method: 'get', path: '/audit/exports/:id', summary: 'Download a signed export (verify offline with `sopilot verify-export`)', role: 'admin', tag: 'audit', responseContentType: 'application/jose' }, (req, res) => h.download(req, res));
  },
});

http('audit', buildHttpApp([auditFunction]));

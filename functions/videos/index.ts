import { http } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import * as h from './handler.js';
import { DeleteQuery, JobView, ListVideosQuery, VideoList, VideoView, ThumbnailQuery } from './schema.js';

/** HTTP trigger: read videos and their ingest jobs, play them back, delete them. */
export const videosFunction = defineHttpFunction({
  name: 'videos',
  mount(router) {
    route(router, { method: 'get', path: '/videos', summary: 'List videos (filter by task_id, role, worker_id, station, shift; keyset pagination)', role: 'viewer', tag: 'videos', query: ListVideosQuery, response: VideoList }, (req, res, i) => h.list(req, res, i.query));
    route(router, { method: 'get', path: '/videos/jobs/:id', summary: 'An ingest (or any) job', role: 'viewer', tag: 'videos', response: JobView }, (req, res) => h.job(req, res));
    route(router, { method: 'get', path: '/videos/:id/thumbnail', summary: 'One frame of the video at ?t= seconds (PNG; privacy-masked like playback)', role: 'viewer', tag: 'videos', query: ThumbnailQuery, responseContentType: 'image/png', errors: [400, 401, 403, 404] }, (req, res, i) => h.thumbnail(req, res, i.query));
    route(router, { method: 'get', path: '/videos/:id', summary: 'One video', role: 'viewer', tag: 'videos', response: VideoView }, (req, res) => h.get(req, res));
    route(
      router,
      { method: 'get', path: '/videos/:id/file', summary: 'The video file for playback (HTTP Range: 206 partial content)', role: 'viewer', tag: 'videos', responseContentType: 'video/mp4', errors: [401, 403, 404, 416] },
      (req, res) => h.file(req, res),
    );
    route(
      router,
      { method: 'delete', path: '/videos/:id', summary: 'Delete a video everywhere (operators: own uploads; gold with scores needs ?force=true)', role: 'operator', tag: 'videos', query: DeleteQuery, response: z.object({ id: z.string(), deleted: z.boolean(), deleted_objects: z.number(), scores_marked: z.number() }), errors: [401, 403, 404, 409] },
      (req, res, i) => h.remove(req, res, i.query),
    );
    route(
      router,
      { method: 'post', path: '/videos/:id/reingest', summary: 'Queue ingest again for a video whose ingest failed', role: 'operator', tag: 'videos', responseStatus: 202, errors: [401, 403, 404, 409] },
      (req, res) => h.reingest(req, res),
    );
  },
});

http('videos', buildHttpApp([videosFunction]));

import { http } from '@google-cloud/functions-framework';
import { defineHttpFunction } from '../../shared/functions.js';
import { route } from '../../shared/http/route.js';
import { buildHttpApp } from '../../shared/http/app.js';
import { handleUpload } from './handler.js';
import { UPLOAD_MULTIPART, UploadAccepted } from './schema.js';

/** HTTP trigger: POST /gold, POST /videos (multipart upload, streamed to the object store). */
export const uploadFunction = defineHttpFunction({
  name: 'upload',
  mount(router) {
    route(
      router,
      {
        method: 'post',
        path: '/gold',
        summary: 'Upload a gold (reference) video',
        role: 'operator',
        tag: 'videos',
        multipart: { file: UPLOAD_MULTIPART.file, task_id: UPLOAD_MULTIPART.task_id, worker_id: UPLOAD_MULTIPART.worker_id, station: UPLOAD_MULTIPART.station, shift: UPLOAD_MULTIPART.shift },
        response: UploadAccepted,
        responseStatus: 202,
        errors: [400, 401, 403, 413, 415, 503],
      },
      (req, res) => handleUpload(req, res, 'gold'),
    );
    route(
      router,
      {
        method: 'post',
        path: '/videos',
        summary: 'Upload a trainee (or audit) video',
        role: 'operator',
        tag: 'videos',
        multipart: { ...UPLOAD_MULTIPART },
        response: UploadAccepted,
        responseStatus: 202,
        errors: [400, 401, 403, 413, 415, 503],
      },
      (req, res) => handleUpload(req, res),
    );
  },
});

http('upload', buildHttpApp([uploadFunction]));

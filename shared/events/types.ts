import { z } from 'zod';

/** CloudEvent types: com.sopilot.<noun>.<verb>. */
export const EventType = {
  videoUploaded: 'com.sopilot.video.uploaded',
  clipsExtracted: 'com.sopilot.clips.extracted',
  videoIndexed: 'com.sopilot.video.indexed',
  scoreRequested: 'com.sopilot.score.requested',
  alignmentDone: 'com.sopilot.alignment.done',
  scoreDone: 'com.sopilot.score.done',
  nightlyTick: 'com.sopilot.nightly.tick',
  objectCreated: 'com.sopilot.object.created',
} as const;
export type EventTypeName = (typeof EventType)[keyof typeof EventType];

const id = z.string().min(1).max(200);

export const VideoUploadedData = z.object({
  video_id: id,
  job_id: id,
  task_id: id,
  role: z.enum(['gold', 'trainee', 'audit']),
  object_key: z.string().min(1),
});
export const ClipsExtractedData = z.object({
  video_id: id,
  job_id: id,
  frames_key: z.string().min(1),
  clips_key: z.string().min(1),
  frame_count: z.number().int().nonnegative(),
  clip_count: z.number().int().nonnegative(),
});
export const VideoIndexedData = z.object({
  video_id: id,
  job_id: id,
  task_id: id,
  role: z.enum(['gold', 'trainee', 'audit']),
  clip_count: z.number().int().nonnegative(),
  duration_sec: z.number().nonnegative(),
});
export const ScoreRequestedData = z.object({ score_id: id });
export const AlignmentDoneData = z.object({ score_id: id });
export const ScoreDoneData = z.object({ score_id: id, score: z.number().nullable(), passed: z.boolean().nullable() });
// requested_by: who asked for training (POST /train, POST /events), for the audit rows; unset = the scheduler.
export const NightlyTickData = z.object({ task_id: id.optional(), at: z.string().optional(), requested_by: z.string().max(300).optional() }).default({});
/** S3 / MinIO bucket notification (Records[]) — also accepted as a plain webhook body. */
export const ObjectCreatedData = z.object({
  Records: z
    .array(
      z.object({
        eventName: z.string().optional(),
        s3: z.object({
          bucket: z.object({ name: z.string() }).optional(),
          object: z.object({
            key: z.string().min(1),
            size: z.number().optional(),
            eTag: z.string().optional(),
            versionId: z.string().optional(),
            sequencer: z.string().optional(),
          }),
        }),
      }),
    )
    .min(1),
});

export const eventDataSchemas = {
  [EventType.videoUploaded]: VideoUploadedData,
  [EventType.clipsExtracted]: ClipsExtractedData,
  [EventType.videoIndexed]: VideoIndexedData,
  [EventType.scoreRequested]: ScoreRequestedData,
  [EventType.alignmentDone]: AlignmentDoneData,
  [EventType.scoreDone]: ScoreDoneData,
  [EventType.nightlyTick]: NightlyTickData,
  [EventType.objectCreated]: ObjectCreatedData,
} as const;

export type EventData<T extends EventTypeName> = z.output<(typeof eventDataSchemas)[T]>;

/** Which queue carries which event: ingest work, scoring work, training work. */
export const QUEUE_OF: Record<EventTypeName, QueueName> = {
  [EventType.videoUploaded]: 'ingest',
  [EventType.clipsExtracted]: 'ingest',
  [EventType.objectCreated]: 'ingest',
  [EventType.videoIndexed]: 'score',
  [EventType.scoreRequested]: 'score',
  [EventType.alignmentDone]: 'score',
  [EventType.scoreDone]: 'score',
  [EventType.nightlyTick]: 'training',
};
export const QUEUES = ['ingest', 'score', 'training'] as const;
export type QueueName = (typeof QUEUES)[number];

/** The CloudEvents 1.0 envelope as it travels on every transport. */
export interface SopilotEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype?: string;
  subject?: string;
  data: T;
}

export const EnvelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  time: z.string().optional(),
  datacontenttype: z.string().optional(),
  subject: z.string().optional(),
  data: z.unknown(),
});

/**
 * Which event function consumes which type (functions/registry.ts; a test keeps the two equal).
 * The HTTP transport uses it to invoke functions by name where there is no broker that routes by
 * type (OpenFaaS: SOPILOT_EVENT_BROKER_URL=http://gateway:8080/async-function/{function}).
 */
export const CONSUMERS: Record<EventTypeName, readonly string[]> = {
  [EventType.videoUploaded]: ['clip-extract'],
  [EventType.clipsExtracted]: ['embed'],
  [EventType.videoIndexed]: ['align'],
  [EventType.scoreRequested]: ['align'],
  [EventType.alignmentDone]: ['score'],
  [EventType.scoreDone]: ['report'],
  [EventType.nightlyTick]: ['nightly-train'],
  [EventType.objectCreated]: ['bucket-drop'],
};

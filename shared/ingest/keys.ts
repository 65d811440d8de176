/** Object keys derived from a video id: a retried stage overwrites the same objects. */
export const framesKey = (videoId: string) => `derived/${videoId}/frames.rgb`;
export const clipsKey = (videoId: string) => `derived/${videoId}/clips.json`;
/** The static scene (median frame) that registration matches, see perception/scene-still.ts. */
export const stillKey = (videoId: string) => `derived/${videoId}/scene-still.bin`;
export const playbackKey = (videoId: string) => `derived/${videoId}/playback.mp4`;

export interface ClipsManifest {
  video_id: string;
  fps: number;
  width: number;
  height: number;
  frame_count: number;
  duration_sec: number;
  masked: boolean;
  source: { width: number; height: number; fps: number; codec: string; duration_sec: number };
  clips: Array<{ index: number; start_frame: number; end_frame: number; start_sec: number; end_sec: number }>;
}

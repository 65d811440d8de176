// Reads a video's basic facts with ffprobe, and recognises video containers by their first bytes.
import { execFile } from 'node:child_process';
import { trackChild } from './children.js';
import { resolveFfprobePath } from './binaries.js';

export interface VideoInfo {
  duration_sec: number;
  fps: number;
  width: number;
  height: number;
  /** Video codec name as ffprobe spells it (h264, hevc, mpeg4, vp9, ...). */
  codec: string;
  /** Container format name(s) as ffprobe spells them (e.g. "mov,mp4,m4a,3gp,3g2,mj2"). */
  format: string;
  has_video: boolean;
}

export type VideoProbeErrorCode = 'not_found' | 'corrupt_video' | 'no_video_stream' | 'unsupported' | 'probe_failed';

export class VideoProbeError extends Error {
  constructor(
    readonly code: VideoProbeErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'VideoProbeError';
  }
}

export interface ProbeOptions {
  ffprobePath?: string;
  /** Kill ffprobe after this many ms (default 30000). */
  timeoutMs?: number;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  disposition?: { attached_pic?: number };
}
interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string };
}

/** "30000/1001" -> 29.97; "0/0" or junk -> 0. */
export function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [n, d] = rate.split('/').map(Number);
  if (d === undefined) return Number.isFinite(n) && n > 0 ? n : 0;
  return Number.isFinite(n) && Number.isFinite(d) && d > 0 && n > 0 ? n / d : 0;
}

function runFfprobe(bin: string, path: string, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      bin,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path],
      { maxBuffer: 16 * 1024 * 1024, timeout: timeoutMs },
      (err, stdout, stderr) => {
        if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
          reject(err); // spawn failure (ENOENT/EACCES of the binary), not a probe result
          return;
        }
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
    trackChild(child);
  });
}

/** Classifies ffprobe's failure text. */
function failureCode(stderr: string): VideoProbeErrorCode {
  if (/No such file or directory/i.test(stderr)) return 'not_found';
  if (/Invalid data found|moov atom not found|could not find codec parameters|EBML header parsing failed|Truncating packet|End of file/i.test(stderr))
    return 'corrupt_video';
  if (/Unknown format|Protocol not found|not supported/i.test(stderr)) return 'unsupported';
  return 'corrupt_video';
}

/**
 * Probes a video file. Throws VideoProbeError: not_found, corrupt_video (unreadable
 * container), no_video_stream (e.g. audio only), unsupported (a codec ffmpeg cannot decode,
 * or no usable size/frame rate).
 */
export async function probeVideo(path: string, opts: ProbeOptions = {}): Promise<VideoInfo> {
  const bin = resolveFfprobePath(opts.ffprobePath);
  const res = await runFfprobe(bin, path, opts.timeoutMs ?? 30_000);
  const stderr = res.stderr.trim();
  if (res.code !== 0) {
    const code = failureCode(stderr);
    const what = code === 'not_found' ? 'file not found' : code === 'unsupported' ? 'unsupported file' : 'corrupt or unreadable video';
    throw new VideoProbeError(code, `${what}: ${path}${stderr ? ` (${lastLines(stderr, 3)})` : ''}`, stderr);
  }
  let out: FfprobeOutput;
  try {
    out = JSON.parse(res.stdout) as FfprobeOutput;
  } catch {
    throw new VideoProbeError('probe_failed', `ffprobe returned unreadable output for ${path}`, res.stdout.slice(0, 500));
  }
  // Cover art in audio files shows up as a one-frame "video" stream: not a video.
  const video = (out.streams ?? []).find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const format = out.format?.format_name ?? 'unknown';
  if (!video) throw new VideoProbeError('no_video_stream', `no video stream in ${path} (container ${format})`);
  const codec = video.codec_name ?? 'unknown';
  if (codec === 'unknown' || codec === 'none') throw new VideoProbeError('unsupported', `video codec not supported in ${path}`);
  const width = video.width ?? 0;
  const height = video.height ?? 0;
  if (width <= 0 || height <= 0) throw new VideoProbeError('corrupt_video', `video stream of ${path} has no frame size`);
  const fps = parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate);
  const duration = Number(out.format?.duration ?? video.duration ?? NaN);
  if (!Number.isFinite(duration) || duration <= 0) {
    throw new VideoProbeError('corrupt_video', `video ${path} has no readable duration`);
  }
  if (!(fps > 0)) throw new VideoProbeError('unsupported', `video ${path} has no usable frame rate`);
  return { duration_sec: duration, fps, width, height, codec, format, has_video: true };
}

function lastLines(text: string, n: number): string {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(-n).join(' | ');
}

export type SniffedContainer = 'mp4' | 'mov' | 'matroska' | 'webm' | 'avi' | 'mpegts' | 'mpegps' | 'flv' | 'ogg' | 'asf' | 'mpeg-video';

/**
 * Recognises common video containers from the first bytes of a file (pass at least 16; 1 KiB
 * lets MPEG-TS and WebM be told apart reliably). Returns the container or false. Used at upload
 * time to answer 415 early; the authoritative check is probeVideo.
 */
export function sniffVideoContainer(b: Uint8Array): SniffedContainer | false {
  const ascii = (off: number, len: number) => (b.length >= off + len ? Buffer.from(b.subarray(off, off + len)).toString('latin1') : '');
  const box = ascii(4, 4);
  if (box === 'ftyp') {
    const brand = ascii(8, 4);
    return brand === 'qt  ' ? 'mov' : 'mp4'; // mp4, m4v, 3gp, isom, avc1 ... are all ISO BMFF
  }
  // QuickTime files without ftyp start straight with an atom.
  if (['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].includes(box)) return 'mov';
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) {
    const head = Buffer.from(b.subarray(0, Math.min(b.length, 64))).toString('latin1');
    return head.includes('webm') ? 'webm' : 'matroska';
  }
  if (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'AVI ') return 'avi';
  if (ascii(0, 3) === 'FLV') return 'flv';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0xba) return 'mpegps';
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0xb3) return 'mpeg-video';
  const asf = [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11];
  if (b.length >= 8 && asf.every((v, i) => b[i] === v)) return 'asf';
  // MPEG-TS: 0x47 sync byte every 188 bytes (M2TS: every 192 bytes after a 4-byte timestamp).
  if (b.length >= 189 && b[0] === 0x47 && b[188] === 0x47 && (b.length < 377 || b[376] === 0x47)) return 'mpegts';
  if (b.length >= 197 && b[4] === 0x47 && b[196] === 0x47) return 'mpegts';
  return false;
}

// Names for ids (file names for videos, task names for tasks), fetched once per page session, so
// views show "gold.mp4" instead of "vid_c588". Missing endpoints or records fall back to the id.
import { notAvailable, taskId, taskItems } from './api.js';

export function createNames(ep) {
  const videos = new Map(); // id -> Promise<video row | null>
  let tasks = null; // Promise<Map<id, task> | null>

  function video(id) {
    if (!id) return Promise.resolve(null);
    if (!videos.has(id)) videos.set(id, ep.video(id).catch(() => null));
    return videos.get(id);
  }

  /** Remembers rows the caller already has (lists), saving a request each. */
  function remember(rows) {
    for (const v of rows || []) if (v?.id) videos.set(v.id, Promise.resolve(v));
  }

  function taskMap() {
    if (!tasks) {
      tasks = ep
        .tasks()
        .then((r) => new Map(taskItems(r).map((t) => [taskId(t), t])))
        .catch((e) => {
          if (!notAvailable(e)) tasks = null; // a passing failure: ask again next time
          return null;
        });
    }
    return tasks;
  }

  return {
    video,
    remember,
    async videoName(id) {
      const v = await video(id);
      return v?.original_name || id;
    },
    async task(id) {
      return (await taskMap())?.get(id) ?? null;
    },
    /** "Pump maintenance (pump-1)", or the id alone when there is no task list. */
    async taskLabel(id) {
      const t = id ? (await taskMap())?.get(id) : null;
      return t?.name ? `${t.name} (${id})` : id || '—';
    },
    forget() {
      videos.clear();
      tasks = null;
    },
  };
}

// File names for video ids, fetched once per page session (lists hand in the rows they already
// have), so views show "gold.mp4" instead of "vid_c588". A missing video falls back to its id.

export function createNames(ep) {
  const videos = new Map(); // id -> Promise<video row | null>

  function video(id) {
    if (!id) return Promise.resolve(null);
    if (!videos.has(id)) videos.set(id, ep.video(id).catch(() => null));
    return videos.get(id);
  }

  return {
    video,
    /** Remembers rows the caller already has (lists), saving a request each. */
    remember(rows) {
      for (const v of rows || []) if (v?.id) videos.set(v.id, Promise.resolve(v));
    },
    async videoName(id) {
      const v = await video(id);
      return v?.original_name || id;
    },
    forget() {
      videos.clear();
    },
  };
}

// Still frames of a video at given times, as small JPEG data: URLs (step thumbnails). Uses its
// own hidden <video>, so the player the user watches does not move.

const W = 128;
const H = 96;

function once(el, ev) {
  return new Promise((resolve, reject) => {
    const ok = () => { el.removeEventListener('error', bad); resolve(); };
    const bad = () => { el.removeEventListener(ev, ok); reject(new Error('video could not be read')); };
    el.addEventListener(ev, ok, { once: true });
    el.addEventListener('error', bad, { once: true });
  });
}

/**
 * @param {string} src a same-origin or blob: URL (a canvas may read it)
 * @param {number[]} times seconds
 * @param {(i: number, dataUrl: string) => void} onThumb called as each frame is ready
 */
export async function captureThumbnails(src, times, onThumb) {
  const v = document.createElement('video');
  v.muted = true;
  v.preload = 'auto';
  v.src = src;
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const g = canvas.getContext('2d');
  try {
    await once(v, 'loadeddata');
    for (const [i, t] of times.entries()) {
      v.currentTime = Math.min(Math.max(0, t), Math.max(0, v.duration - 0.05));
      await once(v, 'seeked');
      g.drawImage(v, 0, 0, W, H);
      onThumb(i, canvas.toDataURL('image/jpeg', 0.7));
    }
  } catch {
    /* no thumbnails: the editor works without them */
  } finally {
    v.removeAttribute('src');
    v.load();
  }
}

/**
 * Who wants to know when a video's stored vectors are rewritten in this process. The embeddings
 * layer knows nothing of its readers: a reader that keeps something derived from a video's
 * vectors (the score jobs' prepared gold, kept per process) registers here and drops it
 * when told. Told as the rewrite starts (saveEmbeddingsBlob, before the new objects are put);
 * readers in other processes rely on the stored vectors' identity instead.
 */
export type EmbeddingsChangedListener = (videoId: string) => void;

const listeners = new Set<EmbeddingsChangedListener>();

/** Calls `listener(videoId)` whenever this process rewrites a video's stored vectors; returns the unsubscribe. */
export function onEmbeddingsChanged(listener: EmbeddingsChangedListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Tells every listener that `videoId`'s vectors are being rewritten (a listener that throws does not stop the others). */
export function embeddingsChanged(videoId: string): void {
  for (const l of listeners) {
    try {
      l(videoId);
    } catch {
      /* a listener's failure is its own; the write goes on */
    }
  }
}

// Worker thread entry for bench rendering: the package runs its TypeScript through tsx, which a
// worker must register itself (the parent's registration does not carry over).
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { encodeVideo } = await import('./encode.ts');
parentPort.on('message', async (job) => {
  try {
    await encodeVideo(job);
    parentPort.postMessage({ ok: true });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});

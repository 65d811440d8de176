// OpenCV compiled to WebAssembly (@techstark/opencv-js, Apache-2.0): keypoints, matching and
// RANSAC for camera registration, with no native build and no download. Loaded once, lazily.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

// The package's types describe the browser global; in Node the module object becomes usable
// once its WebAssembly runtime has initialised.
export type CV = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let loading: Promise<CV> | null = null;

export function loadOpenCv(): Promise<CV> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@techstark/opencv-js');
    // Evaluated directly rather than through require(): a TypeScript loader hook (tsx in tests
    // and scripts) would otherwise transform the 7.6 MB file first, which takes a minute.
    const wrapped = vm.runInThisContext(`(function (module, exports, require, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, { filename: file });
    const mod: { exports: CV } = { exports: {} };
    wrapped(mod, mod.exports, require, file, dirname(file));
    const cv = mod.exports;
    const deadline = Date.now() + 30_000;
    while (!(cv && cv.Mat)) {
      if (Date.now() > deadline) throw new Error('opencv.js did not initialise within 30 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    // The module is a thenable that resolves to itself: any promise resolved with it would adopt
    // it again and again. Its `then` only signals readiness, which is past here.
    delete cv.then;
    return cv;
  })();
  return loading;
}

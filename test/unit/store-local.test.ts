// LocalStore.read: the whole object as put, for empty, small and multi-read-sized objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalStore } from '../../shared/store/local.js';
import { ObjectNotFoundError, getBuffer } from '../../shared/store/index.js';

test('LocalStore.read returns the bytes put, whatever the size; a missing key is ObjectNotFoundError', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'store-local-'));
  try {
    const store = new LocalStore(dir);
    for (const size of [0, 1, 4095, 512 * 1024 + 3, 9 * 1024 * 1024 + 17]) {
      const body = Buffer.alloc(size);
      for (let i = 0; i < size; i++) body[i] = (i * 131 + size) & 255;
      await store.put(`k/${size}.bin`, body);
      const got = (await store.read(`k/${size}.bin`))!.bytes;
      assert.equal(got.length, size);
      assert.ok(got.equals(body), `object of ${size} bytes`);
      assert.ok((await getBuffer(store, `k/${size}.bin`)).equals(body));
    }
    await assert.rejects(store.read('k/missing.bin'), ObjectNotFoundError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

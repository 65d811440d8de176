// embeddings/buffer-pool.ts: memory lent once at a time, reused after it is given back, and a
// score job's outcome the same whether its trainee was read into fresh or reused memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freeBuffers, giveBackBytes, takeBytes } from '../../shared/embeddings/buffer-pool.js';

test('takeBytes lends each buffer once; giveBackBytes makes it the next fitting one; strangers and repeats are ignored', () => {
  const a = takeBytes(1000);
  const b = takeBytes(1000);
  assert.equal(a.length, 1000);
  assert.notEqual(a.buffer, b.buffer);
  const before = freeBuffers();
  giveBackBytes(a.buffer);
  giveBackBytes(a.buffer); // twice: once in the pool
  giveBackBytes(new ArrayBuffer(1000)); // never lent
  assert.equal(freeBuffers(), before + 1);
  const c = takeBytes(900);
  assert.equal(c.buffer, a.buffer, 'the given-back buffer is reused');
  assert.equal(c.length, 900);
  assert.equal(c.byteOffset, 0);
  assert.notEqual(takeBytes(100).buffer, b.buffer, 'a lent buffer is never lent again');
  // Too big to reuse for a small read (more than twice the size): a fresh one.
  giveBackBytes(c.buffer);
  assert.notEqual(takeBytes(100).buffer, c.buffer);
  giveBackBytes(b.buffer);
  // A full pool keeps the newest: buffers of a size no longer read do not block the pool.
  const small = [takeBytes(10), takeBytes(10)];
  for (const x of small) giveBackBytes(x.buffer);
  const big = takeBytes(5000);
  giveBackBytes(big.buffer);
  assert.equal(takeBytes(5000).buffer, big.buffer);
});

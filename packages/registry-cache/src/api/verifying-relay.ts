/**
 * A pass-through transform that hashes what flows through and holds the last
 * chunk back until the digest is checked: a mismatch errors the stream (the
 * client's connection is aborted) instead of ending a corrupt body cleanly.
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export function verifyingRelay(digest: string): Transform {
  const hash = createHash('sha256');
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback) {
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== digest) return callback(new Error(`body has digest ${actual}, expected ${digest}`));
      callback(null, held);
    },
  });
}

/**
 * One process at a time starts, stops or leases seedbed's dockerd: an
 * exclusive lock file (<engine>/engine.lock holding "<pid> <token>"). A lock
 * whose holder died is taken over; a live holder is waited for.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PermanentError, Wait, isAlive } from '@seedbed/core';
import type { EnginePaths } from './engine-paths.ts';

export const ENGINE_LOCK_TIMEOUT_MS = 180_000;

export async function withEngineLock<T>(paths: EnginePaths, fn: () => Promise<T>, timeoutMs = ENGINE_LOCK_TIMEOUT_MS): Promise<T> {
  const file = join(paths.root, 'engine.lock');
  const token = `${process.pid} ${randomUUID()}`;
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  await new Wait({ what: `the engine lock ${file}`, timeoutMs, intervalMs: 200 }).until(async () => {
    try {
      await writeFile(file, token, { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new PermanentError('ENGINE_LOCK', `cannot create ${file}: ${(error as Error).message}`);
      const holder = Number((await readFile(file, 'utf8').catch(() => '')).split(' ')[0]);
      // an empty file is a holder between creating and writing it: wait for it
      if (holder > 0 && !isAlive(holder)) await rm(file, { force: true });
      return false;
    }
  });
  try {
    return await fn();
  } finally {
    if ((await readFile(file, 'utf8').catch(() => '')) === token) await rm(file, { force: true });
  }
}

/**
 * Shared use of seedbed's dockerd by holders that may each have started it,
 * such as test files running in parallel. leaseEngine() finds or starts the
 * engine and records a lease (<engine>/leases/<pid>-<id>); release() drops it
 * and stops seedbed's dockerd when a lease started it and no live lease is
 * left. A dockerd started by `seedbed engine up` is left running, and so is a
 * user's Docker or Podman, which takes no lease at all.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from '@seedbed/core';
import { ensureEngine, type Engine, type EngineOptions } from '../engine.ts';
import { enginePaths } from './engine-paths.ts';
import { withEngineLock } from './engine-lock.ts';
import { ownedDockerdState, stopOwnedDockerd } from './owned-dockerd.ts';

export interface EngineLease {
  engine: Engine;
  /** Drops the lease; returns what stopping seedbed's dockerd did (empty when it keeps running). */
  release(): Promise<string[]>;
}

export const LEASE_HOLDER = 'lease';

export async function leaseEngine(options: Omit<EngineOptions, 'start'> = {}): Promise<EngineLease> {
  const paths = options.paths ?? enginePaths();
  const dir = join(paths.root, 'leases');
  return withEngineLock(paths, async () => {
    const engine = await ensureEngine({ ...options, paths, start: true, startedBy: LEASE_HOLDER, locked: true });
    if (!engine.owned) return { engine, release: async () => [] };
    const file = join(dir, `${process.pid}-${randomUUID()}`);
    await mkdir(dir, { recursive: true });
    await writeFile(file, `${new Date().toISOString()}\n`);
    const release = () =>
      withEngineLock(paths, async () => {
        await rm(file, { force: true });
        const live: string[] = [];
        for (const name of await readdir(dir)) {
          if (isAlive(Number(name.split('-')[0]))) live.push(name);
          else await rm(join(dir, name), { force: true }); // its holder died without releasing
        }
        const state = await ownedDockerdState(paths);
        if (live.length > 0 || state.state !== 'running' || state.record.startedBy !== LEASE_HOLDER) return [];
        return stopOwnedDockerd({ paths, progress: options.progress, locked: true });
      });
    return { engine, release };
  });
}

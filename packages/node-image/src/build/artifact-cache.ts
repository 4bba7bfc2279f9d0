/**
 * Build artifacts cached by their pins under `<seedbed cache>/node-image/`.
 * An artifact is written to a temp name beside its final path and renamed
 * only when complete (as the binaries' go builder does), so an interrupted
 * build (Ctrl-C) leaves no partial artifact and the next build resumes from
 * the artifacts already complete.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { cacheRoot } from '@seedbed/binaries';
import { isAlive } from '@seedbed/core';
import { removeTree } from '../fs/mounts.ts';

export class ArtifactCache {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  static forEnv(env: NodeJS.ProcessEnv = process.env): ArtifactCache {
    return new ArtifactCache(join(cacheRoot(env), 'node-image'));
  }

  path(name: string): string {
    return join(this.root, name);
  }

  has(name: string): boolean {
    return existsSync(this.path(name));
  }

  /**
   * The artifact `name`, produced by `make(tmpPath)` when missing. `make`
   * writes a file or directory at tmpPath; it is renamed into place only when
   * `make` resolves, and removed when it throws. Returns the final path and
   * whether it had to be made.
   */
  async produce(name: string, make: (tmpPath: string) => Promise<void>): Promise<{ path: string; made: boolean }> {
    const path = this.path(name);
    if (existsSync(path)) return { path, made: false };
    await mkdir(dirname(path), { recursive: true });
    await removeStaleTemps(path);
    const tmp = `${path}.tmp-${process.pid}`;
    try {
      await make(tmp);
      if (!existsSync(tmp)) throw new Error(`building ${name} produced nothing at ${tmp}`);
      await rename(tmp, path);
    } catch (error) {
      await removeTree(tmp);
      throw error;
    }
    return { path, made: true };
  }
}

/** Temp artifacts of builds that were killed (their pid is gone); a live build's temp is left alone. */
async function removeStaleTemps(path: string): Promise<void> {
  const prefix = `${basename(path)}.tmp-`;
  for (const entry of await readdir(dirname(path))) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(/^\d+/.exec(entry.slice(prefix.length))?.[0]);
    if (pid === process.pid || !Number.isInteger(pid) || !isAlive(pid)) await removeTree(join(dirname(path), entry));
  }
}

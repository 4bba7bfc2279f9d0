/**
 * Free disk where the caches live: the binaries cache, and go's build cache
 * when a build is needed (the Kubernetes build alone leaves a few GiB there).
 */
import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { cacheRoot, uncachedTools } from '@seedbed/binaries';
import { fail, ok, type Check, type DoctorContext } from './check.ts';

const GiB = 1024 ** 3;
/** Free space a build from source needs (go's build cache, module cache, the binaries). */
export const BUILD_FREE_BYTES = 8 * GiB;
/** Free space a run needs otherwise (state, logs, etcd data). */
export const RUN_FREE_BYTES = 1 * GiB;

function existingAncestor(path: string): string {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const gib = (bytes: number) => `${(bytes / GiB).toFixed(1)} GiB`;

export async function checkDisk(ctx: DoctorContext) {
  const cache = cacheRoot(ctx.env);
  const stats = statfsSync(existingAncestor(cache));
  const free = stats.bavail * stats.bsize;
  const building = uncachedTools(ctx.binaries, ctx.env).length > 0;
  const need = building ? BUILD_FREE_BYTES : RUN_FREE_BYTES;
  const why = building ? 'to build the binaries' : 'for state and logs';
  if (free < need) {
    return fail(
      `${gib(free)} free for ${cache}; ${gib(need)} needed ${why}`,
      'free space there, or point SEEDBED_CACHE_DIR (and GOCACHE when building) at a disk with room',
    );
  }
  return ok(`${gib(free)} free for ${cache} (${gib(need)} needed ${why})`);
}

export const diskCheck: Check = { name: 'disk', quick: true, run: checkDisk };

/**
 * The binaries cache: every binary the run needs in SEEDBED_BIN_DIR when it
 * is set (✗ naming the missing ones), else what the cache holds and what the
 * first run builds (the go check says whether it can).
 */
import { join } from 'node:path';
import { BIN_DIR_ENV, cacheRoot, executable, uncachedTools, type BinaryName } from '@seedbed/binaries';
import { fail, ok, type Check, type DoctorContext } from './check.ts';

export async function checkBinaries(ctx: DoctorContext) {
  const explicit = ctx.env[BIN_DIR_ENV];
  if (explicit) {
    const missing = ctx.binaries.filter((n) => !executable(join(explicit, n)));
    if (missing.length) return fail(`${BIN_DIR_ENV}=${explicit} lacks ${missing.join(', ')}`, `put them there, or unset ${BIN_DIR_ENV} to use the cache`);
    return ok(`all ${ctx.binaries.length} in ${BIN_DIR_ENV}=${explicit}`);
  }
  const dir = join(cacheRoot(ctx.env), 'bin');
  const uncached = uncachedTools(ctx.binaries, ctx.env);
  if (uncached.length === 0) return ok(`all ${ctx.binaries.length} cached in ${dir}`);
  const names = uncached.flatMap(({ tool }) => Object.keys(tool.binaries).filter((n) => ctx.binaries.includes(n as BinaryName)));
  return ok(`${names.length} of ${ctx.binaries.length} not cached in ${dir} yet (${names.join(', ')}): the first run builds them`);
}

export const binariesCheck: Check = { name: 'binaries cache', quick: true, run: checkBinaries };

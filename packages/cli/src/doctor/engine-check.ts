/**
 * The container engine the kind provider and the container tests use
 * (@seedbed/engine's ordered detection), and whether it runs privileged
 * containers. No engine is fine while Debian's docker.io is installed:
 * seedbed starts its own dockerd then.
 */
import { uncachedTools } from '@seedbed/binaries';
import { DOCKER_IO_HINT, canRunPrivileged, detectEngine, findDockerd } from '@seedbed/engine';
import { fail, ok, type Check, type DoctorContext } from './check.ts';

export async function checkEngine(ctx: DoctorContext) {
  const { engine, tried } = await detectEngine({ env: ctx.env, paths: ctx.engine.paths });
  if (!engine) {
    const dockerd = findDockerd(ctx.engine.dockerdCandidates);
    if (dockerd) return ok(`none runs; the kind provider starts seedbed's own dockerd (${dockerd})`);
    return fail(`no container engine (${tried.join('; ')}) and no dockerd to start`, DOCKER_IO_HINT);
  }
  // the privileged probe needs the capdrop-runc binary; a doctor never starts a build for it
  if (uncachedTools(['capdrop-runc'], ctx.env).length > 0) {
    return ok(`${engine.describe()}; privileged containers are checked once capdrop-runc is built (npm run binaries -- capdrop-runc)`);
  }
  const privileged = await canRunPrivileged(engine);
  if (!privileged.ok) return fail(privileged.detail, privileged.hint ?? 'run the engine with privileged containers allowed');
  return ok(`${engine.describe()}; privileged containers run`);
}

export const engineCheck: Check = { name: 'container engine', quick: false, run: checkEngine };

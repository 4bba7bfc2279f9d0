/**
 * Which kind node image a cluster uses, in order:
 *   1. `kindest/node:<pinned Kubernetes version>` when the engine has it
 *      (pulled or loaded by the user: kind's own image);
 *   2. seedbed's `seedbed/kind-node:<version>-<hash of the pins>` when the
 *      engine has it;
 *   3. that image's `docker save` tarball from the cache, loaded (seconds;
 *      e.g. into a fresh dockerd data root a test started);
 *   4. with `build`, seedbed's image built now (reusing every cached step);
 * and otherwise a clear error naming `seedbed node-image build`. Nothing is
 * pulled: this machine has no registry to pull from.
 */
import { TOOL_MODULES, moduleVersion } from '@seedbed/binaries';
import { SeedbedError, silentProgress, type Progress } from '@seedbed/core';
import { ArtifactCache } from '../build/artifact-cache.ts';
import { makePlan } from '../build/build-plan.ts';
import { buildNodeImage } from '../build/node-image-build.ts';
import { savedImageName } from '../build/build-steps.ts';
import { DockerCli } from '../docker/docker-cli.ts';

export type NodeImageSource = 'kindest/node' | 'seedbed' | 'seedbed (loaded from cache)' | 'seedbed (built)';

export interface NodeImageChoice {
  image: string;
  source: NodeImageSource;
}

export interface NodeImageOptions {
  docker?: DockerCli;
  env?: NodeJS.ProcessEnv;
  cache?: ArtifactCache;
  toolsDir?: string;
  progress?: Progress;
  signal?: AbortSignal;
  /** When no image is found, build seedbed's (`seedbed node-image build`; minutes cold, once per machine) instead of failing. */
  build?: boolean;
}

export class NodeImageMissingError extends SeedbedError {}

/** `kindest/node:v1.36.3` for the Kubernetes version pinned in tools/kubernetes. */
export function kindestNodeImage(toolsDir?: string): string {
  const kubernetes = TOOL_MODULES.find((t) => t.dir === 'kubernetes')!;
  return `kindest/node:${moduleVersion(kubernetes, toolsDir)}`;
}

export async function resolveNodeImage(options: NodeImageOptions = {}): Promise<NodeImageChoice> {
  const env = options.env ?? process.env;
  const docker = options.docker ?? new DockerCli(env);
  const cache = options.cache ?? ArtifactCache.forEnv(env);
  const progress = options.progress ?? silentProgress;
  const kindest = kindestNodeImage(options.toolsDir);
  if (await docker.imageExists(kindest, options.signal)) return { image: kindest, source: 'kindest/node' };
  const { tag } = makePlan({ toolsDir: options.toolsDir });
  if (await docker.imageExists(tag, options.signal)) return { image: tag, source: 'seedbed' };
  if (cache.has(savedImageName(tag))) {
    progress.step(`loading ${tag} from the cache`, 'start');
    await docker.run(['load', '-i', cache.path(savedImageName(tag))], { signal: options.signal });
    progress.step(`loading ${tag} from the cache`, 'done');
    return { image: tag, source: 'seedbed (loaded from cache)' };
  }
  if (options.build) {
    const built = await buildNodeImage({ docker, env, cache, toolsDir: options.toolsDir, progress, signal: options.signal });
    return { image: built.image, source: 'seedbed (built)' };
  }
  throw new NodeImageMissingError('NODE_IMAGE_MISSING', `no kind node image: neither ${kindest} nor ${tag} is in ${docker.host}, and ${tag} is not in the cache`, {
    hint: 'build it offline with `seedbed node-image build` (25–45 minutes on a fresh 2-core machine, seconds once cached), or load kindest/node with `docker load`',
  });
}

/**
 * `seedbed node-image build`: makes `seedbed/kind-node:<version>-<hash>`
 * present in the engine. Already there: nothing to do. Saved in the cache
 * (`docker save` tarball of an earlier build): `docker load` it, seconds.
 * Otherwise the step graph builds it, reusing every cached artifact.
 */
import { Flow, silentProgress, systemClock, type Clock, type FlowResult, type Progress } from '@seedbed/core';
import { DockerCli } from '../docker/docker-cli.ts';
import { ArtifactCache } from './artifact-cache.ts';
import { makePlan } from './build-plan.ts';
import { buildSteps, savedImageName } from './build-steps.ts';
import { StepProgress } from './step-progress.ts';

export interface NodeImageBuildOptions {
  docker?: DockerCli;
  env?: NodeJS.ProcessEnv;
  progress?: Progress;
  signal?: AbortSignal;
  clock?: Clock;
  toolsDir?: string;
  cache?: ArtifactCache;
  /** Run the step graph even when the image is in the engine or saved in the cache (each step still reuses its cached artifact). */
  alwaysRunSteps?: boolean;
}

export type NodeImageOutcome = 'present' | 'loaded from cache' | 'built';

export interface NodeImageBuildResult {
  image: string;
  outcome: NodeImageOutcome;
  /** The `docker save` tarball in the cache. */
  archive: string;
  durationMs: number;
  flow?: FlowResult;
}

export async function buildNodeImage(options: NodeImageBuildOptions = {}): Promise<NodeImageBuildResult> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const progress = options.progress ?? silentProgress;
  const docker = options.docker ?? new DockerCli(env);
  const cache = options.cache ?? ArtifactCache.forEnv(env);
  const started = clock.now();
  const plan = makePlan({ toolsDir: options.toolsDir });
  const archive = cache.path(savedImageName(plan.tag));
  const done = (outcome: NodeImageOutcome, flow?: FlowResult): NodeImageBuildResult => ({ image: plan.tag, outcome, archive, durationMs: clock.now() - started, flow });

  if (!options.alwaysRunSteps && (await docker.imageExists(plan.tag, options.signal))) {
    progress.step(`${plan.tag} is present in ${docker.host}`, 'done');
    if (!cache.has(savedImageName(plan.tag))) {
      // e.g. loaded by hand: keep a copy, so a fresh engine data root gets it back in seconds
      progress.step(`saving ${plan.tag} to ${archive}`, 'start');
      await cache.produce(savedImageName(plan.tag), (tmp) => docker.run(['save', '-o', tmp, plan.tag], { signal: options.signal }).then(() => {}));
      progress.step(`saving ${plan.tag}`, 'done');
    }
    return done('present');
  }
  if (!options.alwaysRunSteps && cache.has(savedImageName(plan.tag))) {
    progress.step(`loading ${plan.tag} from ${archive}`, 'start');
    await docker.run(['load', '-i', archive], { signal: options.signal });
    progress.step(`loading ${plan.tag}`, 'done');
    return done('loaded from cache');
  }

  progress.info(`building ${plan.tag} (pins: ${Object.entries(plan.pins.modules).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  const cached = new Set<string>();
  const steps = buildSteps({ plan, cache, docker, progress, markCached: (name) => cached.add(name), env, toolsDir: options.toolsDir });
  const stepProgress = new StepProgress(steps, progress, clock, cached);
  stepProgress.startTicking();
  try {
    const flow = await new Flow(`node image ${plan.tag}`, steps).run({ signal: options.signal, clock, onEvent: stepProgress.onEvent });
    return done('built', flow);
  } finally {
    stepProgress.stopTicking();
  }
}

/**
 * Scenario steps for canary rollouts: create and change a Rollout, wait (by
 * watch) for its phase, and check which seeds ever ran a version.
 */
import { CustomObjectsApi, makeInformer, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { loadKubeConfig, type KubeObject } from '@seedbed/cluster';
import { SeedbedError, TimeoutError, Wait } from '@seedbed/core';
import { ACTION_ANNOTATION, ROLLOUT_API_VERSION, ROLLOUT_GROUP, ROLLOUT_PLURAL, ROLLOUT_VERSION, describeRollout, rolloutPath, type Rollout, type RolloutPhase, type RolloutSpec } from '@seedbed/rollout';
import type { Step } from './steps.ts';

export const DEFAULT_ROLLOUT_TIMEOUT_MS = 60_000;

export interface RolloutExpectation {
  phase: RolloutPhase;
  reason?: string;
  /** Texts the status message must contain (e.g. shoot names). */
  messageIncludes?: string[];
  timeoutMs?: number;
}

const describe = (e: RolloutExpectation) =>
  [`is ${e.phase}`, e.reason && `(${e.reason})`, e.messageIncludes?.length && `naming ${e.messageIncludes.join(', ')}`].filter(Boolean).join(' ');

export const startRollout = (name: string, spec: RolloutSpec): Step => ({
  title: `start rollout ${name} of ${spec.targetVersion}`,
  run: async ({ landscape }) => {
    const rollout = { apiVersion: ROLLOUT_API_VERSION, kind: 'Rollout', metadata: { name }, spec };
    await landscape.raw.create(rollout as KubeObject, ROLLOUT_PLURAL);
  },
});

export const updateRollout = (name: string, spec: Partial<RolloutSpec>): Step => ({
  title: `update rollout ${name}: ${JSON.stringify(spec)}`,
  run: async ({ landscape }) => void (await landscape.raw.patch(rolloutPath(name), { spec })),
});

/** Asks the rollout controller to abort and return every seed it updated to its previous version. */
export const rollBackRollout = (name: string): Step => ({
  title: `roll back rollout ${name}`,
  run: async ({ landscape }) => void (await landscape.raw.patch(rolloutPath(name), { metadata: { annotations: { [ACTION_ANNOTATION]: 'rollback' } } })),
});

/** Waits by watch until the rollout is in the phase (with the reason and message); a final phase other than the expected fails early. */
export const expectRollout = (name: string, expectation: RolloutExpectation): Step => ({
  title: `rollout ${name} ${describe(expectation)}`,
  run: async ({ landscape, facts, clock }) => {
    const started = clock.now();
    const kc = loadKubeConfig(landscape.kubeconfigPath);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const informer = makeInformer(kc, rolloutPath(), () =>
      custom.listClusterCustomObject({ group: ROLLOUT_GROUP, version: ROLLOUT_VERSION, plural: ROLLOUT_PLURAL }) as Promise<KubernetesListObject<KubernetesObject>>);
    const timeoutMs = expectation.timeoutMs ?? DEFAULT_ROLLOUT_TIMEOUT_MS;
    let last: Rollout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new TimeoutError({ what: `rollout ${name} ${describe(expectation)}`, timeoutMs, logTail: [last ? describeRollout(last) : 'no such rollout'] })), timeoutMs);
        const check = (object: KubernetesObject) => {
          const rollout = object as unknown as Rollout;
          if (rollout.metadata.name !== name) return;
          last = rollout;
          const s = rollout.status;
          if (s?.observedTarget !== rollout.spec.targetVersion) return;
          const met = s.phase === expectation.phase && (!expectation.reason || s.reason === expectation.reason)
            && (expectation.messageIncludes ?? []).every((m) => s.message?.includes(m));
          if (met) {
            clearTimeout(timer);
            resolve();
          } else if ((s.phase === 'Succeeded' || s.phase === 'Aborted') && s.phase !== expectation.phase) {
            clearTimeout(timer);
            reject(new SeedbedError('EXPECTATION_FAILED', `rollout ${name} ended ${s.phase} instead: ${describeRollout(rollout)}`));
          }
        };
        informer.on('add', check);
        informer.on('update', check);
        informer.start().catch(reject);
      });
    } finally {
      await informer.stop();
    }
    facts[`rollout.${name}.${expectation.phase}.seconds`] = Number(((clock.now() - started) / 1000).toFixed(1));
    if (last?.status) facts[`rollout.${name}.${expectation.phase}`] = describeRollout(last);
  },
});

export const expectVersionOnlyOn = (version: string, seeds: string[]): Step => ({
  title: `only seeds ${seeds.join(', ')} ever ran gardenlet ${version}`,
  run: async ({ landscape, facts }) => {
    const ran = landscape.gardenlets.history.filter((h) => h.version === version).map((h) => h.seed);
    const others = [...new Set(ran.filter((s) => !seeds.includes(s)))];
    if (others.length) throw new SeedbedError('EXPECTATION_FAILED', `gardenlet ${version} also ran on ${others.join(', ')}`);
    if (!ran.length) throw new SeedbedError('EXPECTATION_FAILED', `no seed ever ran gardenlet ${version}`);
    facts[`seeds.ran.${version}`] = [...new Set(ran)];
  },
});

/** How long the gardenlet manager may take to restart a seed's gardenlet at its newly labelled version. */
export const GARDENLET_SWITCH_TIMEOUT_MS = 20_000;

/** Waits until the gardenlets of `seeds` run `version` (the manager follows seed labels asynchronously). */
export const expectGardenlets = (version: string, seeds: string[], timeoutMs = GARDENLET_SWITCH_TIMEOUT_MS): Step => ({
  title: `the gardenlets of ${seeds.join(', ')} run ${version}`,
  run: async ({ landscape }) => {
    const wrong = () => seeds.filter((s) => landscape.gardenlets.get(s)?.version !== version).map((s) => `${s}: ${landscape.gardenlets.get(s)?.version ?? 'none'}`);
    // checked on every gardenlet start, not polled
    await new Wait({
      what: `the gardenlets of ${seeds.join(', ')} to run ${version}`,
      timeoutMs,
      intervalMs: 5_000,
      component: { name: 'gardenlet manager', logTail: () => [`gardenlets not at ${version}: ${wrong().join(', ')}`] },
    }).until(() => wrong().length === 0, (wake) => landscape.gardenlets.onStarted(wake));
  },
});

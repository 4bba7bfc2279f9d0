/**
 * Integration (slow): the Rollout API and controller on a real API server.
 * CEL rejects bad specs naming the field; the controller, with a test acting
 * as the seeds' gardenlets (writing shoot status), updates the canary first,
 * halts on the threshold, resumes after a restart from the status alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeRaw, loadKubeConfig, type ClusterInfo, type KubeObject } from '@seedbed/cluster';
import { LocalClusterFixture } from '@seedbed/cluster/testing';
import { Wait } from '@seedbed/core';
import { API_VERSION, GROUP, SHOOT_STATUS_LABEL, VERSION, installGardenerApi, installLocalLandscape, seedFor, type Seed } from '@seedbed/gardener-api';
import { RolloutController } from '../controller/rollout-controller.ts';
import { rolloutCommand } from '../cli/rollout-command.ts';
import { installRolloutApi } from './install.ts';
import { GARDENLET_VERSION_LABEL, ROLLOUT_API_VERSION, ROLLOUT_PLURAL, rolloutPath, type Rollout, type RolloutSpec } from './types.ts';

const fixture = new LocalClusterFixture();
let info: ClusterInfo;
let raw: KubeRaw;
const SHOOTS = `/apis/${GROUP}/${VERSION}/namespaces/garden-local/shoots`;

const rollout = (name: string, spec: Record<string, unknown>) =>
  ({ apiVersion: ROLLOUT_API_VERSION, kind: 'Rollout', metadata: { name }, spec: { targetVersion: 'v2.0.0', canarySelector: { matchLabels: { canary: 'true' } }, maxUnhealthy: 0, ...spec } }) as KubeObject;
const rejection = (object: KubeObject) => raw.create(object, ROLLOUT_PLURAL).then(() => 'accepted', (e: unknown) => (e as Error).message);

/** What a gardenlet at `version` writes when it reconciled a shoot. */
async function reconciled(name: string, version: string, healthy: boolean): Promise<void> {
  const now = new Date().toISOString();
  const status = healthy ? 'True' : 'False';
  await raw.patch(`${SHOOTS}/${name}/status`, {
    status: {
      gardener: { id: 'g', name: 'g', version },
      observedGeneration: 1,
      lastOperation: { type: 'Reconcile', state: 'Succeeded', progress: 100, description: 'done', lastUpdateTime: now },
      conditions: [{ type: 'SystemComponentsHealthy', status, reason: 'r', message: 'm', lastTransitionTime: now, lastUpdateTime: now }],
    },
  });
  await raw.patch(`${SHOOTS}/${name}`, { metadata: { labels: { [SHOOT_STATUS_LABEL]: healthy ? 'healthy' : 'unhealthy' } } });
}

const get = (name: string) => raw.get<Rollout>(rolloutPath(name));
const seedVersion = async (name: string) => (await raw.get<Seed>(`/apis/${GROUP}/${VERSION}/seeds/${name}`)).metadata.labels?.[GARDENLET_VERSION_LABEL];
const until = (what: string, check: () => Promise<boolean>) => new Wait({ what, timeoutMs: 15_000, intervalMs: 50 }).until(check);

beforeAll(async () => {
  const config = await fixture.config('ipv4', 'rollout');
  info = await fixture.provider.create(config);
  await installGardenerApi(info.kubeconfigPath);
  await installLocalLandscape(info.kubeconfigPath, config);
  await installRolloutApi(info.kubeconfigPath);
  raw = new KubeRaw(loadKubeConfig(info.kubeconfigPath));
  for (const [name, canary] of [['canary', true], ['stable', false]] as const) {
    const seed = seedFor(config, name);
    seed.metadata.labels = { fleet: 'x', [GARDENLET_VERSION_LABEL]: 'v1.0.0', ...(canary ? { canary: 'true' } : {}) };
    await raw.apply(seed);
    for (const i of [1, 2]) {
      await raw.create({ apiVersion: API_VERSION, kind: 'Shoot', metadata: { name: `${name}-${i}`, namespace: 'garden-local' }, spec: { seedName: name, region: 'local', provider: { type: 'local', workers: [{ name: 'w', minimum: 1, maximum: 1 }] } } }, 'shoots');
      await reconciled(`${name}-${i}`, 'v1.0.0', true);
    }
  }
}, 120_000);
afterAll(() => fixture.dispose(), 60_000);

describe('Rollout API', () => {
  it('accepts counts and percentages; rejects "1" as a threshold, naming the field', async () => {
    expect(await rejection(rollout('ok', { maxUnhealthy: '10%', batches: [1, '50%'] }))).toBe('accepted');
    await raw.delete(rolloutPath('ok'));
    const digits = await rejection(rollout('digits', { maxUnhealthy: '1' }));
    expect(digits).toContain('spec.maxUnhealthy');
    expect(digits).toContain('is not a percentage');
    expect(await rejection(rollout('batch0', { batches: [0] }))).toContain('spec.batches[*] must be an integer >= 1');
    expect(await rejection(rollout('version', { targetVersion: 'latest' }))).toContain('spec.targetVersion must be a version');
    expect(await rejection(rollout('op', { canarySelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }))).toContain('In and NotIn need values');
  });
});

describe('seedbed rollout CLI', () => {
  const cli = (...args: string[]) => rolloutCommand().exitOverride().parseAsync([...args, '--kubeconfig', info.kubeconfigPath], { from: 'user' });

  it('starts a Rollout, pauses, resumes and aborts it', async () => {
    await cli('start', 'cli', '--target', 'v3.0.0', '--canary', 'canary=true', '--seeds', 'fleet=none', '--batches', '1,25%', '--max-unhealthy', '1', '--bake', '5');
    const created = await get('cli');
    expect(created.spec).toEqual({
      targetVersion: 'v3.0.0', canarySelector: { matchLabels: { canary: 'true' } }, seedSelector: { matchLabels: { fleet: 'none' } },
      batches: [1, '25%'], maxUnhealthy: 1, bakeSeconds: 5, progressDeadlineSeconds: 600,
    });
    await cli('pause', 'cli');
    expect((await get('cli')).spec.paused).toBe(true);
    await cli('resume', 'cli');
    expect((await get('cli')).spec.paused).toBe(false);
    await cli('abort', 'cli');
    expect((await get('cli')).metadata.annotations?.['rollouts.seedbed.dev/action']).toBe('abort');
    await raw.delete(rolloutPath('cli'));
  });
});

describe('rollout controller', () => {
  const spec: RolloutSpec = { targetVersion: 'v2.0.0', seedSelector: { matchLabels: { fleet: 'x' } }, canarySelector: { matchLabels: { canary: 'true' } }, maxUnhealthy: 0, bakeSeconds: 1, progressDeadlineSeconds: 60 };

  it('updates the canary first, halts past the threshold naming the shoots, and a restarted controller resumes from the status', async () => {
    let controller = new RolloutController({ kubeconfigPath: info.kubeconfigPath });
    await controller.start();
    try {
      await raw.create({ apiVersion: ROLLOUT_API_VERSION, kind: 'Rollout', metadata: { name: 'r' }, spec } as unknown as KubeObject, ROLLOUT_PLURAL);
      await until('the canary seed to be updated', async () => (await seedVersion('canary')) === 'v2.0.0');
      expect(await seedVersion('stable')).toBe('v1.0.0');
      await reconciled('canary-1', 'v2.0.0', true);
      await until('one canary shoot to count as healthy', async () => (await get('r')).status?.shoots?.healthy === 1);
      // a controller restart in the middle of the canary wave: the next one continues from the status
      await controller.stop();
      const baking = (await get('r')).status!;
      controller = new RolloutController({ kubeconfigPath: info.kubeconfigPath });
      await controller.start();
      await reconciled('canary-2', 'v2.0.0', false);
      await until('the rollout to halt', async () => (await get('r')).status?.phase === 'Halted');
      const halted = (await get('r')).status!;
      expect(halted.reason).toBe('UnhealthyThresholdExceeded');
      expect(halted.message).toContain('garden-local/canary-2');
      expect(halted.startedAt).toBe(baking.startedAt);
      expect(halted.waves?.[0]?.startedAt).toBe(baking.waves?.[0]?.startedAt);
      // observable quiescence: the controller evaluated every event up to the halt and has nothing scheduled
      await controller.idle();
      expect(await seedVersion('stable')).toBe('v1.0.0');
      // fixed, then retried: the rollout finishes
      await reconciled('canary-2', 'v2.0.0', true);
      await raw.patch(rolloutPath('r'), { metadata: { annotations: { 'rollouts.seedbed.dev/action': 'retry' } } });
      await until('the stable seed to be updated', async () => (await seedVersion('stable')) === 'v2.0.0');
      expect((await get('r')).metadata.annotations?.['rollouts.seedbed.dev/action']).toBeUndefined();
      await reconciled('stable-1', 'v2.0.0', true);
      await reconciled('stable-2', 'v2.0.0', true);
      await until('the rollout to succeed', async () => (await get('r')).status?.phase === 'Succeeded');
      expect((await get('r')).status?.shoots).toMatchObject({ healthy: 4, unhealthy: 0, excluded: 0 });
    } finally {
      await controller.stop();
    }
  }, 60_000);
});

/**
 * Integration (slow): a reconcile whose request the API server rejects once is
 * retried by the work queue and the shoot recovers, with no other event on the
 * shoot. Admission policies reject the gardenlet's first finalizer patch and
 * its first status write; each is removed once the gardenlet has reported the
 * rejection (removing a policy is no event on the shoot).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, makeInformer, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeRaw, loadKubeConfig, type ClusterInfo, type KubeObject } from '@seedbed/cluster';
import { LocalClusterFixture } from '@seedbed/cluster/testing';
import { Wait } from '@seedbed/core';
import { API_VERSION, GROUP, VERSION, installGardenerApi, installLocalLandscape, type Shoot } from '@seedbed/gardener-api';
import { Gardenlet, type ReconcileError } from './gardenlet.ts';
import { ShootRuntimeStore } from './control-plane/shoot-runtime.ts';

const fixture = new LocalClusterFixture();
const stateDir = mkdtempSync(join(tmpdir(), 'seedbed-retry-'));
let info: ClusterInfo;
let raw: KubeRaw;
let gardenlet: Gardenlet | undefined;

/** A policy denying `resource` UPDATEs of shoot `shoot`, removed with its binding by remove(). */
function rejectOnce(name: string, resource: 'shoots' | 'shoots/status', shoot: string) {
  const policy: KubeObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: { resourceRules: [{ apiGroups: [GROUP], apiVersions: [VERSION], operations: ['UPDATE'], resources: [resource] }] },
      validations: [{ expression: `object.metadata.name != '${shoot}'`, message: `injected fault: ${name}` }],
    },
  };
  const binding: KubeObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: { policyName: name, validationActions: ['Deny'] },
  };
  return {
    install: async () => {
      await raw.apply(policy);
      await raw.apply(binding);
    },
    remove: async () => {
      await raw.delete(`/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${name}`);
      await raw.delete(`/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${name}`);
    },
  };
}

/** Whether the API server enforces a fault policy yet: a dry-run update of the shoot (or its status) is rejected with its message. */
async function enforced(path: string, message: string): Promise<boolean> {
  const error = await raw.patch(`${path}?dryRun=All`, { metadata: { labels: { 'seedbed.dev/probe': 'x' } } }).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  return !!error?.message.includes(message);
}

const shootManifest = (name: string): KubeObject => ({
  apiVersion: API_VERSION,
  kind: 'Shoot',
  metadata: { name, namespace: 'garden-local' },
  spec: {
    cloudProfile: { name: 'local' },
    seedName: 'local',
    region: 'local',
    networking: { type: 'calico', ipFamilies: ['IPv4'] },
    provider: { type: 'local', workers: [{ name: 'local', machine: { type: 'local' }, minimum: 1, maximum: 1 }] },
  },
});

beforeAll(async () => {
  const config = await fixture.config('ipv4', 'retry');
  info = await fixture.provider.create(config);
  await installGardenerApi(info.kubeconfigPath);
  await installLocalLandscape(info.kubeconfigPath, config);
  raw = new KubeRaw(loadKubeConfig(info.kubeconfigPath));
}, 120_000);

afterAll(async () => {
  await gardenlet?.stop();
  await gardenlet?.stopAllControlPlanes(new ShootRuntimeStore(stateDir).ids());
  rmSync(stateDir, { recursive: true, force: true });
  await fixture.dispose();
}, 60_000);

describe('gardenlet reconcile retries', () => {
  it('recovers a shoot whose first finalizer patch and first status write are rejected, without any other event', async () => {
    const finalizer = rejectOnce('seedbed-test-reject-finalizer', 'shoots', 'retry');
    const status = rejectOnce('seedbed-test-reject-status', 'shoots/status', 'retry');
    await finalizer.install();
    await status.install();
    // the policies are in force once the API server rejects a dry-run update of the same name
    await raw.create(shootManifest('retry'), 'shoots');
    const path = `/apis/${GROUP}/${VERSION}/namespaces/garden-local/shoots/retry`;
    await new Wait({ what: 'the fault policies to be enforced', timeoutMs: 30_000, intervalMs: 200 }).until(
      async () => (await enforced(path, 'injected fault: seedbed-test-reject-finalizer')) && enforced(`${path}/status`, 'injected fault: seedbed-test-reject-status'),
    );

    const failures: Array<{ step: string; retryInMs: number }> = [];
    const removed = new Set<string>();
    gardenlet = new Gardenlet({
      seedName: 'local',
      kubeconfigPath: info.kubeconfigPath,
      stateDir,
      retryBaseMs: 200,
      onReconcileError: (_shoot: string, error: ReconcileError, retryInMs: number) => {
        failures.push({ step: error.step, retryInMs });
        // lift each fault after its first rejection; the queue's retry must do the rest
        const lift = error.step === 'add the finalizer' ? finalizer : error.step.startsWith('write status') ? status : undefined;
        if (lift && !removed.has(error.step)) {
          removed.add(error.step);
          void lift.remove();
        }
      },
    });
    await gardenlet.start();

    const kc = loadKubeConfig(info.kubeconfigPath);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const informer = makeInformer(kc, `/apis/${GROUP}/${VERSION}/shoots`, () =>
      custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: 'shoots' }) as Promise<KubernetesListObject<KubernetesObject>>,
    );
    await informer.start();
    try {
      const shoot = () => informer.list().find((o) => o.metadata?.name === 'retry') as unknown as Shoot | undefined;
      await new Wait({ what: 'shoot retry to reach 100%', timeoutMs: 150_000, intervalMs: 5_000 }).until(
        () => shoot()?.status?.lastOperation?.state === 'Succeeded' && shoot()!.status!.lastOperation!.progress === 100,
        (wake) => {
          informer.on('update', wake);
          return () => informer.off('update', wake);
        },
      );
      expect(shoot()?.metadata.finalizers).toContain('gardener');
    } finally {
      await informer.stop();
    }
    const steps = failures.map((f) => f.step);
    expect(steps).toContain('add the finalizer');
    expect(steps).toContain('write status Processing');
    // the first failure of the key is retried after the base delay; each further one in a row waits twice as long
    expect(failures[0]!.retryInMs).toBe(200);
    for (let i = 1; i < failures.length; i++) expect([200, failures[i - 1]!.retryInMs * 2]).toContain(failures[i]!.retryInMs);
  }, 240_000);
});

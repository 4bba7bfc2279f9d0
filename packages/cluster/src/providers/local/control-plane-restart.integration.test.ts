/**
 * Integration (slow, labelled by file name): a control plane stopped and
 * started again on its etcd data — what a gardenlet's reconcile does to a
 * shoot — keeps its nodes and pods Ready. Regression test for a shoot turning
 * unhealthy ~45 s after every reconcile: the new kwok waited for its
 * predecessor's node leases to expire, and could not re-ready pods because it
 * gave them a second IP per family.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, CoordinationV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CLUSTER_BINARIES, resolveBinaries, type ResolvedBinaries } from '@seedbed/binaries';
import { CleanupStack, Wait } from '@seedbed/core';
import type { ClusterConfig } from '../../config/kind-config.ts';
import { loadKubeConfig } from '../../kube/kube-client.ts';
import { KubeRaw } from '../../kube/raw-client.ts';
import { LocalClusterFixture } from '../../testing/cluster-fixture.ts';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { NODE_LEASE_NAMESPACE } from './node-leases.ts';

/** Well under kwok's 40 s lease duration: without the handover a restarted kwok renews nothing for that long. */
const HANDOVER_TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 15_000;

describe('local control plane restarted on its etcd data', () => {
  const fixture = new LocalClusterFixture();
  const stateDir = join(fixture.root, 'control-plane');
  const running: CleanupStack[] = [];
  let config: ClusterConfig;
  let binaries: ResolvedBinaries;

  const start = async (): Promise<ControlPlane> => {
    const cleanup = new CleanupStack();
    running.push(cleanup);
    return startControlPlane({ config, stateDir, binaries, cleanup, onComponent: async () => {} });
  };
  const stop = async () => void (await running.pop()?.run());
  const holders = async (cp: ControlPlane) => {
    const api = loadKubeConfig(cp.adminKubeconfig).makeApiClient(CoordinationV1Api);
    const leases = (await api.listNamespacedLease({ namespace: NODE_LEASE_NAMESPACE })).items;
    return new Map(leases.map((l) => [l.metadata!.name!, { holder: l.spec?.holderIdentity ?? '', renewed: new Date(l.spec?.renewTime ?? 0).getTime() }]));
  };
  const webPods = async (cp: ControlPlane) =>
    (await new KubeRaw(loadKubeConfig(cp.adminKubeconfig)).get<{ items: V1Pod[] }>('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).items;
  const isReady = (p: V1Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const ips = (pods: V1Pod[]) => Object.fromEntries(pods.map((p) => [p.metadata!.name!, (p.status?.podIPs ?? []).map((i) => i.ip)]));

  let before: { holders: Map<string, { holder: string; renewed: number }>; ips: Record<string, string[]> };
  let restarted: ControlPlane;

  beforeAll(async () => {
    config = await fixture.config('dual-stack', 'restart');
    binaries = await resolveBinaries({ names: LOCAL_CLUSTER_BINARIES });
    mkdirSync(join(stateDir, 'logs'), { recursive: true });
    mkdirSync(join(stateDir, 'pki'), { recursive: true });
    const first = await start();
    const raw = new KubeRaw(loadKubeConfig(first.adminKubeconfig));
    await raw.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }] } },
      },
    });
    const apps = loadKubeConfig(first.adminKubeconfig).makeApiClient(AppsV1Api);
    await new Wait({ what: 'deployment web to have 2 available replicas', timeoutMs: 30_000 }).until(
      async () => (await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' })).status?.availableReplicas === 2,
    );
    before = { holders: await holders(first), ips: ips(await webPods(first)) };
    await stop();
    restarted = await start();
  }, 120_000);
  afterAll(async () => {
    while (running.length) await stop();
    await fixture.dispose();
  }, 60_000);

  it('hands every node lease to the new kwok at once instead of after the old one expires', async () => {
    expect([...before.holders.keys()].sort()).toEqual(config.nodes.map((n) => n.name).sort());
    await new Wait({ what: 'node leases renewed by the restarted kwok', timeoutMs: HANDOVER_TIMEOUT_MS, intervalMs: 200 }).until(async () => {
      const now = await holders(restarted);
      return [...before.holders].every(([name, old]) => {
        const lease = now.get(name);
        return lease !== undefined && lease.holder !== '' && lease.holder !== old.holder;
      });
    });
  });

  it('re-readies a pod marked NotReady and keeps its IPs (one per family)', async () => {
    const raw = new KubeRaw(loadKubeConfig(restarted.adminKubeconfig));
    const [pod] = await webPods(restarted);
    expect(pod).toBeDefined();
    // what kube-controller-manager's node lifecycle controller does to the pods of a NotReady node
    const path = `/api/v1/namespaces/default/pods/${pod!.metadata!.name}/status`;
    const conditions = (pod!.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: new Date() } : c));
    const marked = await raw.send<V1Pod>('PUT', path, { ...pod, status: { ...pod!.status, conditions } });
    expect(isReady(marked)).toBe(false);

    const pods = await new Wait({ what: 'web pods Ready again', timeoutMs: READY_TIMEOUT_MS, intervalMs: 200 }).until(async () => {
      const current = await webPods(restarted);
      return current.length === 2 && current.every(isReady) ? current : undefined;
    });
    expect(ips(pods)).toEqual(before.ips);
    for (const ipsOfPod of Object.values(ips(pods))) expect(ipsOfPod).toHaveLength(config.families.length);
  });
});

/** Installs the Gardener API subset (CRDs, admission policy) and the default landscape into a cluster. */
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { KubeRaw, loadKubeConfig, resourcePath, untilWatched, type ClusterConfig, type KubeObject } from '@seedbed/cluster';
import { Wait, describeError } from '@seedbed/core';
import { gardenerCrds } from './crds.ts';
import { API_VERSION, GROUP, VERSION, type Seed } from './types.ts';
import { DEFAULT_PROJECT, cloudProfile, projectObjects, seedFor } from './local-landscape.ts';
import { POLICY_NAME, shootNetworkPolicy } from './shoot-network-policy.ts';
import { splitCidrs } from './seed-networks.ts';

export const CRD_ESTABLISHED_TIMEOUT_MS = 30_000;

export async function installGardenerApi(kubeconfigPath: string): Promise<void> {
  const kubeConfig = loadKubeConfig(kubeconfigPath);
  const raw = new KubeRaw(kubeConfig);
  const crds = gardenerCrds();
  await Promise.all(crds.map((crd) => raw.apply(crd)));
  // driven by a watch on the CRDs, not polled
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const wait = new Wait({ what: 'the Gardener CRDs to be established', timeoutMs: CRD_ESTABLISHED_TIMEOUT_MS, intervalMs: 5_000 });
  await untilWatched({ kubeConfig, path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', list: () => api.listCustomResourceDefinition() }, wait, (listed) =>
    crds.every((crd) => listed.find((o) => o.metadata?.name === crd.metadata.name)?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')),
  );
  // Established is not enough: list until the API server's storage for each resource answers
  await new Wait({ what: 'the Gardener resources to be served', timeoutMs: CRD_ESTABLISHED_TIMEOUT_MS, intervalMs: 100 }).until(async () => {
    await Promise.all(crds.map((crd) => raw.get(`/apis/${GROUP}/${VERSION}/${(crd.spec as { names: { plural: string } }).names.plural}?limit=1`)));
    return true;
  });
  for (const object of shootNetworkPolicy()) await raw.apply(object);
}

/** Project `local`, cloud profile `local` and a seed for the cluster, as Gardener's local setup has them. */
export async function installLocalLandscape(kubeconfigPath: string, config: ClusterConfig, seedName?: string): Promise<KubeObject[]> {
  const raw = new KubeRaw(loadKubeConfig(kubeconfigPath));
  const seed = seedFor(config, seedName);
  const objects = [...projectObjects(), cloudProfile(), seed];
  for (const object of objects) await raw.apply(object);
  await awaitNetworkPolicyEnforced(raw, seed);
  return objects;
}

export const POLICY_ENFORCED_TIMEOUT_MS = 30_000;

/**
 * The API server loads admission policies, their bindings and their Seed parameters asynchronously: until it
 * has, an overlapping shoot is admitted. Enforced means a dry-run shoot overlapping the seed's first pod
 * network is refused by the policy (nothing to watch for this, so it is asked).
 */
async function awaitNetworkPolicyEnforced(raw: KubeRaw, seed: KubeObject): Promise<void> {
  const networks = (seed as unknown as Seed).spec.networks;
  const pods = splitCidrs(networks.pods)[0]!;
  const family = networks.ipFamilies?.[0] ?? 'IPv4';
  const probe: KubeObject = {
    apiVersion: API_VERSION,
    kind: 'Shoot',
    metadata: { name: 'seedbed-policy-probe', namespace: `garden-${DEFAULT_PROJECT}` },
    spec: { region: 'local', networking: { type: 'calico', ipFamilies: [family], pods }, provider: { type: 'local', workers: [{ name: 'w', minimum: 1, maximum: 1 }] } },
  };
  let last = '';
  await new Wait({ what: `admission policy ${POLICY_NAME} to refuse shoots overlapping seed ${seed.metadata.name}`, timeoutMs: POLICY_ENFORCED_TIMEOUT_MS, intervalMs: 100, component: { name: 'admission', logTail: () => [`last dry run: ${last}`] } }).until(async () => {
    last = await raw.send('POST', `${resourcePath(API_VERSION, 'Shoot', undefined, probe.metadata.namespace, 'shoots')}?dryRun=All`, probe).then(
      () => 'admitted',
      (error: unknown) => describeError(error),
    );
    return last.includes(POLICY_NAME);
  });
}

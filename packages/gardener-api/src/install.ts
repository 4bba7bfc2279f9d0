/** Installs the Gardener API subset (CRDs, admission policy) and the default landscape into a cluster. */
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { KubeRaw, loadKubeConfig, untilWatched, type ClusterConfig, type KubeObject } from '@seedbed/cluster';
import { Wait } from '@seedbed/core';
import { gardenerCrds } from './crds.ts';
import { GROUP, VERSION } from './types.ts';
import { cloudProfile, projectObjects, seedFor } from './local-landscape.ts';
import { shootNetworkPolicy } from './shoot-network-policy.ts';

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
  const objects = [...projectObjects(), cloudProfile(), seedFor(config, seedName)];
  for (const object of objects) await raw.apply(object);
  return objects;
}

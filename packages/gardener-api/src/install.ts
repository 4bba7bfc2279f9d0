/** Installs the Gardener API subset (CRDs, admission policy) and the default landscape into a cluster. */
import { KubeRaw, loadKubeConfig, type ClusterConfig, type KubeObject } from '@seedbed/cluster';
import { Wait } from '@seedbed/core';
import { gardenerCrds } from './crds.ts';
import { GROUP, VERSION } from './types.ts';
import { cloudProfile, projectObjects, seedFor } from './local-landscape.ts';
import { shootNetworkPolicy } from './shoot-network-policy.ts';

export const CRD_ESTABLISHED_TIMEOUT_MS = 30_000;

interface CrdStatus {
  status?: { conditions?: Array<{ type: string; status: string }> };
}

export async function installGardenerApi(kubeconfigPath: string): Promise<void> {
  const raw = new KubeRaw(loadKubeConfig(kubeconfigPath));
  const crds = gardenerCrds();
  await Promise.all(crds.map((crd) => raw.apply(crd)));
  await new Wait({ what: 'the Gardener CRDs to be established', timeoutMs: CRD_ESTABLISHED_TIMEOUT_MS, intervalMs: 50 }).until(async () => {
    const states = await Promise.all(
      crds.map((crd) => raw.get<CrdStatus>(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`)),
    );
    return states.every((s) => s.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'));
  });
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

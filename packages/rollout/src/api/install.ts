/** Installs the Rollout CRD and waits until the API server serves it. */
import { KubeRaw, loadKubeConfig } from '@seedbed/cluster';
import { Wait } from '@seedbed/core';
import { rolloutCrd } from './rollout-crd.ts';
import { rolloutPath } from './types.ts';

export const ROLLOUT_CRD_TIMEOUT_MS = 30_000;

export async function installRolloutApi(kubeconfigPath: string): Promise<void> {
  const raw = new KubeRaw(loadKubeConfig(kubeconfigPath));
  await raw.apply(rolloutCrd());
  await new Wait({ what: 'the Rollout API to be served', timeoutMs: ROLLOUT_CRD_TIMEOUT_MS, intervalMs: 100 }).until(async () => {
    await raw.get(`${rolloutPath()}?limit=1`);
    return true;
  });
}

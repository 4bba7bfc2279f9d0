/**
 * Node lease handover between kwok processes.
 *
 * kwok holds each simulated node's Lease (kube-node-lease) under a random
 * identity per process. A kwok started on existing cluster data (a control
 * plane restarted by a reconcile) finds the leases still held by its
 * predecessor and waits for them to expire (40 s) before it manages the nodes
 * again; meanwhile nobody renews them, kube-controller-manager's node
 * lifecycle controller marks the nodes NotReady and their pods Ready=False,
 * and a healthy shoot turns unhealthy for no reason. A kubelet keeps one
 * identity across restarts and renews at once; deleting the stale leases
 * before kwok starts gives the same result: kwok creates them anew on its
 * first sync.
 */
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { callApi, isStatus } from '../../kube/kube-client.ts';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** Deletes the leases of the given nodes; a lease that does not exist is fine. Returns the names deleted. */
export async function releaseNodeLeases(kubeconfig: KubeConfig, nodeNames: readonly string[]): Promise<string[]> {
  const api = kubeconfig.makeApiClient(CoordinationV1Api);
  const released: string[] = [];
  for (const name of nodeNames) {
    await callApi(`delete lease ${NODE_LEASE_NAMESPACE}/${name}`, () => api.deleteNamespacedLease({ name, namespace: NODE_LEASE_NAMESPACE })).then(
      () => released.push(name),
      (error: unknown) => {
        if (!isStatus(error, 404)) throw error;
      },
    );
  }
  return released;
}

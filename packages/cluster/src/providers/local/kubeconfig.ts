/** Renders a kubeconfig that authenticates with a client certificate (paths, not inline data). */
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  clusterName: string;
  server: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  user: string;
}

export function renderKubeconfig(spec: KubeconfigSpec): string {
  const context = `${spec.user}@${spec.clusterName}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: spec.clusterName, cluster: { server: spec.server, 'certificate-authority': spec.caFile } }],
    users: [{ name: spec.user, user: { 'client-certificate': spec.certFile, 'client-key': spec.keyFile } }],
    contexts: [{ name: context, context: { cluster: spec.clusterName, user: spec.user } }],
    'current-context': context,
    preferences: {},
  });
}

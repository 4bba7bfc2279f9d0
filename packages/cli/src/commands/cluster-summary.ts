/** Renders a cluster for people: families, CIDRs, kubeconfig, and its nodes as the API reports them. */
import { CoreV1Api } from '@kubernetes/client-node';
import { loadKubeConfig, type ClusterInfo } from '@seedbed/cluster';

export interface NodeSummary {
  name: string;
  ready: string;
  roles: string;
  podCIDRs: string[];
  addresses: string[];
}

export async function readNodes(kubeconfigPath: string): Promise<NodeSummary[]> {
  const api = loadKubeConfig(kubeconfigPath).makeApiClient(CoreV1Api);
  const nodes = await api.listNode();
  return nodes.items.map((n) => ({
    name: n.metadata?.name ?? '',
    ready: n.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown',
    roles: Object.keys(n.metadata?.labels ?? {})
      .filter((l) => l.startsWith('node-role.kubernetes.io/'))
      .map((l) => l.split('/')[1])
      .join(',') || '<none>',
    podCIDRs: n.spec?.podCIDRs ?? [],
    addresses: (n.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address),
  }));
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function renderSummary(info: ClusterInfo, nodes: NodeSummary[]): string {
  const lines = [
    `cluster        ${info.name} (${info.provider}, ${info.status})`,
    `ip families    ${info.families.join(', ') || 'unknown'}${info.families.length > 1 ? ` (primary ${info.families[0]})` : ''}`,
    `api server     ${info.server}`,
    `pod subnets    ${info.podSubnets.join(', ') || 'unknown'}`,
    `service CIDRs  ${info.serviceSubnets.join(', ') || 'unknown'}`,
    `kubeconfig     ${info.kubeconfigPath}`,
  ];
  if (nodes.length) {
    lines.push('', table([['NODE', 'READY', 'ROLES', 'INTERNAL-IPS', 'POD-CIDRS'], ...nodes.map((n) => [n.name, n.ready, n.roles, n.addresses.join(','), n.podCIDRs.join(',')])]));
  }
  return lines.join('\n');
}

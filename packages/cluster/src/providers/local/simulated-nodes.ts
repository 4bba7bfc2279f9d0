/**
 * The Node objects kwok simulates: one per node of the kind config, named as
 * kind names them, with InternalIP addresses in every family of the cluster
 * (from the ranges of kind's docker network) so the cluster looks like a kind
 * cluster of the same config. kube-controller-manager allocates their podCIDRs.
 */
import type { V1Node } from '@kubernetes/client-node';
import { parseCidr, nthAddress, type Cidr } from '../../config/cidr.ts';
import { DEFAULT_NODE_NETWORK_IPV4, DEFAULT_NODE_NETWORK_IPV6, type ClusterConfig } from '../../config/kind-config.ts';
import { KWOK_NODE_ANNOTATION } from './component-args.ts';

const NODE_NETWORKS: Record<string, Cidr> = {
  ipv4: parseCidr(DEFAULT_NODE_NETWORK_IPV4) as Cidr,
  ipv6: parseCidr(DEFAULT_NODE_NETWORK_IPV6) as Cidr,
};
/** Addresses start at .2 like docker networks (.1 is the gateway). */
const FIRST_NODE_OFFSET = 2;

export function nodeAddresses(config: ClusterConfig, index: number): string[] {
  return config.families.map((family) => nthAddress(config.nodeNetworks?.[family] ?? NODE_NETWORKS[family]!, FIRST_NODE_OFFSET + index));
}

export function simulatedNodes(config: ClusterConfig): V1Node[] {
  const hasWorkers = config.nodes.some((n) => n.role === 'worker');
  return config.nodes.map((node, index) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      annotations: {
        ...(node.simulated === false ? {} : { [KWOK_NODE_ANNOTATION]: 'fake' }),
        'node.alpha.kubernetes.io/ttl': '0',
      },
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
        ...(node.role === 'control-plane' ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        ...node.labels,
      },
    },
    // like kind: control-plane nodes are tainted only when workers exist
    spec: node.role === 'control-plane' && hasWorkers ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {},
    status: {
      addresses: [
        ...(config.nodeAddresses?.[node.name] ?? nodeAddresses(config, index)).map((address) => ({ type: 'InternalIP', address })),
        { type: 'Hostname', address: node.name },
      ],
    },
  }));
}

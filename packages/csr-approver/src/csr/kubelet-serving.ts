/**
 * What a kubelet serving certificate request looks like: the signer, the
 * subject, the usages a kubelet sends and the names it must carry — the
 * node's DNS names and IP addresses as its Node object lists them. The node
 * agent requests exactly this and the approver accepts nothing else.
 */
import type { V1Node } from '@kubernetes/client-node';
import { canonicalIp } from '@seedbed/cluster';

export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';
export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';

/** The usages a kubelet sends for its serving certificate (the second set without key encipherment: kubelets with ECDSA keys). */
export const KUBELET_SERVING_USAGES = ['digital signature', 'key encipherment', 'server auth'] as const;
export const KUBELET_SERVING_USAGE_SETS: readonly (readonly string[])[] = [KUBELET_SERVING_USAGES, ['digital signature', 'server auth']];
/** And for its client certificate (the one kube-controller-manager auto-approves). */
export const KUBELET_CLIENT_USAGES = ['digital signature', 'key encipherment', 'client auth'] as const;

export const DNS_ADDRESS_TYPES = ['Hostname', 'InternalDNS', 'ExternalDNS'] as const;
export const IP_ADDRESS_TYPES = ['InternalIP', 'ExternalIP'] as const;

export interface ServingNames {
  /** Lower-cased, sorted, unique. */
  dnsNames: string[];
  /** Canonical (IPv4-mapped IPv6 as IPv4), sorted, unique. */
  ipAddresses: string[];
}

export const nodeUser = (nodeName: string): string => `${NODE_USER_PREFIX}${nodeName}`;

const unique = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** Normalises names for comparison; IPs that do not parse are kept verbatim (so they never match a real address). */
export function normaliseNames(dnsNames: readonly string[], ipAddresses: readonly string[]): ServingNames {
  return {
    dnsNames: unique(dnsNames.map((d) => d.toLowerCase())),
    ipAddresses: unique(ipAddresses.map((ip) => canonicalIp(ip) ?? ip)),
  };
}

/** The SANs a serving certificate of this node must have: every DNS name and IP address in node.status.addresses. */
export function servingNames(node: V1Node): ServingNames {
  const addresses = node.status?.addresses ?? [];
  const of = (types: readonly string[]) => addresses.filter((a) => types.includes(a.type)).map((a) => a.address);
  return normaliseNames(of(DNS_ADDRESS_TYPES), of(IP_ADDRESS_TYPES));
}

/**
 * CoreDNS as the shoot's system component: a Deployment and the kube-dns
 * Service (ClusterIP .10 of every service network, in the shoot's families),
 * as Gardener deploys it. Its pods run on kwok nodes, i.e. simulated.
 */
import { nthAddress, parseCidr, type Cidr, type ClusterConfig, type KubeObject } from '@seedbed/cluster';

export const COREDNS_IMAGE = 'registry.k8s.io/coredns/coredns:v1.12.1';
export const COREDNS_REPLICAS = 2;
export const DNS_SERVICE_OFFSET = 10;

export function corednsObjects(config: ClusterConfig): KubeObject[] {
  const labels = { 'k8s-app': 'kube-dns', 'gardener.cloud/role': 'system-component' };
  const clusterIPs = config.serviceSubnets.map((s) => nthAddress(parseCidr(s.text) as Cidr, DNS_SERVICE_OFFSET));
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: 'kube-system' } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels },
      spec: {
        replicas: COREDNS_REPLICAS,
        selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: 'coredns',
            priorityClassName: 'system-cluster-critical',
            containers: [{ name: 'coredns', image: COREDNS_IMAGE, args: ['-conf', '/etc/coredns/Corefile'], ports: [{ name: 'dns', containerPort: 8053, protocol: 'UDP' }] }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels },
      spec: {
        selector: { 'k8s-app': 'kube-dns' },
        clusterIP: clusterIPs[0],
        clusterIPs,
        ipFamilies: config.families.map((f) => (f === 'ipv6' ? 'IPv6' : 'IPv4')),
        ipFamilyPolicy: clusterIPs.length === 2 ? 'RequireDualStack' : 'SingleStack',
        ports: [
          { name: 'dns', port: 53, targetPort: 8053, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, targetPort: 8053, protocol: 'TCP' },
        ],
      },
    },
  ];
}

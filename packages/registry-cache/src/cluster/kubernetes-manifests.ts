/**
 * Kubernetes objects running the cache in a cluster: a Deployment and a
 * Service whose ipFamilies / ipFamilyPolicy follow the cluster's IP families
 * (IPv4, IPv6 or dual-stack), listening on the matching wildcard address.
 */
import { stringify } from 'yaml';
import { ValidationError, type Problem } from '@seedbed/core';

export type IpFamily = 'IPv4' | 'IPv6';

export const DEFAULT_CACHE_NAME = 'registry-cache';
export const DEFAULT_CACHE_NAMESPACE = 'registry-cache';
export const DEFAULT_CACHE_PORT = 5000;
export const DEFAULT_STORAGE_PATH = '/var/lib/registry-cache';

export interface KubernetesManifestOptions {
  image: string;
  /** The cluster's families, primary first. */
  ipFamilies: IpFamily[];
  upstreams: Array<{ name: string; url: string }>;
  name?: string;
  namespace?: string;
  port?: number;
  /** Host path for the cache; an emptyDir when unset. */
  hostPath?: string;
  nodePort?: number;
  /** Command that runs the CLI in the image. */
  command?: string[];
}

/** Listen address that covers the given families: [::] dual-stack, 0.0.0.0 or [::] IPv6-only. */
export function listenAddressFor(families: IpFamily[], port: number): string {
  if (families.includes('IPv6') && families.includes('IPv4')) return `:${port}`;
  return families[0] === 'IPv6' ? `[::]:${port}` : `0.0.0.0:${port}`;
}

export function renderKubernetesManifests(options: KubernetesManifestOptions): Array<Record<string, unknown>> {
  const problems: Problem[] = [];
  const families = options.ipFamilies;
  if (families.length < 1 || families.length > 2 || new Set(families).size !== families.length || families.some((f) => f !== 'IPv4' && f !== 'IPv6')) {
    problems.push({ path: 'ipFamilies', message: 'must be [IPv4], [IPv6], [IPv4, IPv6] or [IPv6, IPv4]' });
  }
  if (options.upstreams.length === 0) problems.push({ path: 'upstreams', message: 'at least one upstream is required' });
  if (!options.image) problems.push({ path: 'image', message: 'is required' });
  if (problems.length) throw new ValidationError('registry-cache manifests', problems);
  const name = options.name ?? DEFAULT_CACHE_NAME;
  const namespace = options.namespace ?? DEFAULT_CACHE_NAMESPACE;
  const port = options.port ?? DEFAULT_CACHE_PORT;
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'seedbed' };
  const args = [
    'registry-cache',
    'serve',
    '--listen',
    listenAddressFor(families, port),
    '--storage',
    DEFAULT_STORAGE_PATH,
    ...options.upstreams.flatMap((u) => ['--upstream', `${u.name}=${u.url}`]),
  ];
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name,
              image: options.image,
              command: options.command ?? ['seedbed'],
              args,
              ports: [{ name: 'registry', containerPort: port, protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/', port: 'registry' }, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: '/', port: 'registry' }, periodSeconds: 20 },
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
              volumeMounts: [{ name: 'storage', mountPath: DEFAULT_STORAGE_PATH }],
            },
          ],
          volumes: [options.hostPath ? { name: 'storage', hostPath: { path: options.hostPath, type: 'DirectoryOrCreate' } } : { name: 'storage', emptyDir: {} }],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels },
    spec: {
      type: options.nodePort ? 'NodePort' : 'ClusterIP',
      selector: labels,
      ipFamilies: [...families],
      ipFamilyPolicy: families.length === 2 ? 'RequireDualStack' : 'SingleStack',
      ports: [{ name: 'registry', port, targetPort: 'registry', protocol: 'TCP', ...(options.nodePort ? { nodePort: options.nodePort } : {}) }],
    },
  };
  return [deployment, service];
}

export function renderKubernetesYaml(options: KubernetesManifestOptions): string {
  return renderKubernetesManifests(options).map((object) => stringify(object)).join('---\n');
}

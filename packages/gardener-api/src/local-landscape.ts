/**
 * The default landscape, mirroring Gardener's local setup so its examples
 * apply unchanged: project `local` (namespace garden-local), cloud profile
 * `local`, and seed `local` describing the networks of the cluster it runs on.
 */
import { TOOL_MODULES, moduleVersion } from '@seedbed/binaries';
import type { ClusterConfig, IpFamily, KubeObject } from '@seedbed/cluster';
import { API_VERSION, type IpFamilyName } from './types.ts';

export const DEFAULT_PROJECT = 'local';
export const DEFAULT_SEED = 'local';
export const DEFAULT_CLOUD_PROFILE = 'local';
/** The Kubernetes version the shoots run: the pin of tools/kubernetes/go.mod (what the binaries are built from). */
export const KUBERNETES_VERSION = moduleVersion(TOOL_MODULES.find((t) => t.binaries['kube-apiserver'])!).replace(/^v/, '');

/** Shoot network defaults per family (Gardener local's shootDefaults, plus node ranges). */
export const SHOOT_DEFAULTS: Record<IpFamily, { pods: string; services: string; nodes: string }> = {
  ipv4: { pods: '10.3.0.0/16', services: '10.4.0.0/16', nodes: '10.10.0.0/16' },
  ipv6: { pods: 'fd00:10:3::/56', services: 'fd00:10:4::/112', nodes: 'fd00:10:a::/64' },
};
/** The node networks of the seed cluster (kind's docker network, which seedbed's simulated nodes use). */
export const SEED_NODE_NETWORKS = { ipv4: '172.18.0.0/16', ipv6: 'fc00:f853:ccd:e793::/64' } as const;

export const familyName = (f: IpFamily): IpFamilyName => (f === 'ipv6' ? 'IPv6' : 'IPv4');

export function projectObjects(project = DEFAULT_PROJECT): KubeObject[] {
  const namespace = `garden-${project}`;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'gardener.cloud/role': 'project', 'project.gardener.cloud/name': project } } },
    { apiVersion: API_VERSION, kind: 'Project', metadata: { name: project }, spec: { namespace } },
  ];
}

export function cloudProfile(name = DEFAULT_CLOUD_PROFILE): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: 'CloudProfile',
    metadata: { name },
    spec: {
      type: 'local',
      kubernetes: { versions: [{ version: KUBERNETES_VERSION }] },
      machineTypes: [{ name: 'local', cpu: '1', gpu: '0', memory: '1Gi', usable: true }],
      regions: [{ name: 'local' }],
    },
  };
}

/** A Seed describing `config`'s cluster: nodes, pods, services and shoot defaults of every family, primary first. */
export function seedFor(config: ClusterConfig, name = DEFAULT_SEED): KubeObject {
  const perFamily = (pick: (family: IpFamily) => string) => config.families.map(pick).join(',');
  return {
    apiVersion: API_VERSION,
    kind: 'Seed',
    metadata: { name, labels: { 'seed.gardener.cloud/provider': 'local' } },
    spec: {
      provider: { type: 'local', region: 'local', zones: ['0'] },
      ingress: { domain: `ingress.${name}.seed.local.gardener.cloud`, controller: { kind: 'nginx' } },
      networks: {
        ipFamilies: config.families.map(familyName),
        nodes: perFamily((f) => SEED_NODE_NETWORKS[f]),
        pods: perFamily((f) => config.podSubnets.find((s) => s.family === f)!.text),
        services: perFamily((f) => config.serviceSubnets.find((s) => s.family === f)!.text),
        shootDefaults: { pods: perFamily((f) => SHOOT_DEFAULTS[f].pods), services: perFamily((f) => SHOOT_DEFAULTS[f].services) },
      },
      settings: { scheduling: { visible: true } },
    },
  };
}

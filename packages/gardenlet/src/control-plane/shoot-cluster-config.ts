/**
 * Turns a Shoot into the ClusterConfig the local launcher runs: families from
 * spec.networking.ipFamilies, networks from the spec or the seed's shoot
 * defaults, one simulated node per worker minimum, addresses from
 * spec.networking.nodes. Pure, so it is unit-tested without a cluster.
 */
import { ValidationError, type Problem } from '@seedbed/core';
import { parseCidr, validateKindConfig, type Cidr, type ClusterConfig, type IpFamily } from '@seedbed/cluster';
import { SHOOT_DEFAULTS, splitCidrs, technicalId, projectOfNamespace, type Seed, type Shoot } from '@seedbed/gardener-api';

/** Fault injection for demos and tests: workers registered but never simulated, so they never get Ready. */
export const FAULT_ANNOTATION = 'seedbed.dev/fault';
export const FAULT_WORKERS_NEVER_READY = 'workers-never-ready';

export interface ResolvedNetworks {
  families: IpFamily[];
  pods: string[];
  services: string[];
  nodes: string[];
}

const toFamily = (name: string): IpFamily => (name === 'IPv6' ? 'ipv6' : 'ipv4');

/** The shoot's networks per family, primary first; unset ones from the seed's shoot defaults, then seedbed's. */
export function resolveNetworks(shoot: Shoot, seed?: Seed): ResolvedNetworks {
  const families = (shoot.spec.networking?.ipFamilies ?? ['IPv4']).map(toFamily);
  const pick = (field: 'pods' | 'services' | 'nodes', family: IpFamily): string => {
    const set = shoot.spec.networking?.[field];
    if (set && cidrFamily(set) === family) return set;
    // the seed's shoot defaults list one CIDR per family
    const seedDefault = field === 'nodes' ? undefined : splitCidrs(seed?.spec.networks.shootDefaults?.[field]).find((c) => cidrFamily(c) === family);
    if (seedDefault) return seedDefault;
    return SHOOT_DEFAULTS[family][field];
  };
  return {
    families,
    pods: families.map((f) => pick('pods', f)),
    services: families.map((f) => pick('services', f)),
    nodes: families.map((f) => pick('nodes', f)),
  };
}

function cidrFamily(text: string): IpFamily | undefined {
  const cidr = parseCidr(text);
  return typeof cidr === 'string' ? undefined : cidr.family;
}

export function shootTechnicalId(shoot: Shoot): string {
  return technicalId(projectOfNamespace(shoot.metadata.namespace ?? 'garden'), shoot.metadata.name);
}

/** A shoot's worker nodes: <shoot>-<pool>-<index>, `minimum` per pool (at least one when maximum > 0). */
export function workerNodes(shoot: Shoot): Array<{ name: string; pool: string }> {
  return (shoot.spec.provider.workers ?? []).flatMap((w) =>
    Array.from({ length: Math.max(w.minimum ?? 0, (w.maximum ?? 0) > 0 ? 1 : 0) }, (_, i) => ({ name: `${shoot.metadata.name}-${w.name}-${i}`, pool: w.name })),
  );
}

export function shootClusterConfig(shoot: Shoot, seed?: Seed): ClusterConfig {
  const networks = resolveNetworks(shoot, seed);
  const workers = workerNodes(shoot);
  const problems: Problem[] = [];
  if (workers.length === 0) problems.push({ path: 'spec.provider.workers', message: 'needs at least one worker pool with minimum ≥ 1' });
  if (problems.length) throw new ValidationError(`shoot ${shoot.metadata.namespace}/${shoot.metadata.name}`, problems);
  const ipFamily = networks.families.length === 2 ? 'dual' : networks.families[0]!;
  // the same schema → defaults → validation as a kind config, so a shoot gets the same checks
  const config = validateKindConfig(
    {
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: shootTechnicalId(shoot),
      networking: { ipFamily, podSubnet: networks.pods.join(','), serviceSubnet: networks.services.join(',') },
      // kind requires a control-plane node; shoots have none, so it is dropped below
      nodes: [{ role: 'control-plane' }, ...workers.map(() => ({ role: 'worker' }))],
    },
    `shoot ${shoot.metadata.namespace}/${shoot.metadata.name}`,
  );
  const neverReady = shoot.metadata.annotations?.[FAULT_ANNOTATION] === FAULT_WORKERS_NEVER_READY;
  return {
    ...config,
    nodes: workers.map((w) => ({ name: w.name, role: 'worker' as const, labels: { 'worker.gardener.cloud/pool': w.pool }, simulated: !neverReady })),
    nodeNetworks: Object.fromEntries(networks.families.map((f, i) => [f, parseCidr(networks.nodes[i]!) as Cidr])),
  };
}

/** Shoot manifests for scenarios: Gardener-shaped, in project `local`, scheduled by the landscape's scheduler. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { KubeObject } from '@seedbed/cluster';
import { API_VERSION, DEFAULT_CLOUD_PROFILE, type IpFamilyName } from '@seedbed/gardener-api';

export const PROJECT_NAMESPACE = 'garden-local';

export interface ShootOptions {
  families?: IpFamilyName[];
  workers?: number;
  annotations?: Record<string, string>;
  networking?: { pods?: string; services?: string; nodes?: string };
  /** Schedules the shoot on this seed (skipping the scheduler). */
  seedName?: string;
}

export function shootManifest(name: string, options: ShootOptions = {}): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: 'Shoot',
    metadata: { name, namespace: PROJECT_NAMESPACE, ...(options.annotations ? { annotations: options.annotations } : {}) },
    spec: {
      cloudProfile: { name: DEFAULT_CLOUD_PROFILE },
      ...(options.seedName ? { seedName: options.seedName } : {}),
      region: 'local',
      networking: { type: 'calico', ipFamilies: options.families ?? ['IPv4'], ...options.networking },
      provider: { type: 'local', workers: [{ name: 'local', machine: { type: 'local' }, minimum: options.workers ?? 1, maximum: Math.max(2, options.workers ?? 1) }] },
    },
  };
}

export const ipv4Shoot = (name: string, options: ShootOptions = {}) => shootManifest(name, { ...options, families: ['IPv4'] });
export const ipv6Shoot = (name: string, options: ShootOptions = {}) => shootManifest(name, { ...options, families: ['IPv6'] });
export const dualStackShoot = (name: string, options: ShootOptions = {}) => shootManifest(name, { ...options, families: ['IPv4', 'IPv6'] });

/** Gardener-shaped example manifests kept in @seedbed/gardener-api's testdata. */
export function gardenerExampleShoot(file: 'shoot-local.yaml' | 'shoot-local-ipv6.yaml' | 'shoot-registry-cache.yaml'): KubeObject {
  const path = fileURLToPath(new URL(`../../../gardener-api/src/testdata/${file}`, import.meta.url));
  return parse(readFileSync(path, 'utf8')) as KubeObject;
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateKindConfig } from '@seedbed/cluster';
import { KUBERNETES_VERSION, cloudProfile, seedFor } from './local-landscape.ts';
import { splitCidrs } from './seed-networks.ts';
import type { Seed } from './types.ts';

const cluster = (ipFamily: 'ipv4' | 'ipv6' | 'dual', podSubnet: string, serviceSubnet: string) =>
  validateKindConfig({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', networking: { ipFamily, podSubnet, serviceSubnet } }, 'test');

describe('seedFor', () => {
  it('describes nodes, pods, services and shoot defaults of every family of a dual-stack cluster, primary first', () => {
    const seed = seedFor(cluster('dual', 'fd00:10:1::/48,10.0.0.0/15', 'fd00:10:2::/112,10.2.0.0/16')) as unknown as Seed;
    expect(seed.spec.networks).toEqual({
      ipFamilies: ['IPv6', 'IPv4'],
      nodes: 'fc00:f853:ccd:e793::/64,172.18.0.0/16',
      pods: 'fd00:10:1::/48,10.0.0.0/15',
      services: 'fd00:10:2::/112,10.2.0.0/16',
      shootDefaults: { pods: 'fd00:10:3::/56,10.3.0.0/16', services: 'fd00:10:4::/112,10.4.0.0/16' },
    });
  });

  it('describes a single-family cluster with one CIDR per field', () => {
    const seed = seedFor(cluster('ipv6', 'fd00:10:1::/48', 'fd00:10:2::/112'), 'v6') as unknown as Seed;
    expect(seed.metadata.name).toBe('v6');
    expect([seed.spec.networks.nodes, seed.spec.networks.pods, seed.spec.networks.services]).toEqual(['fc00:f853:ccd:e793::/64', 'fd00:10:1::/48', 'fd00:10:2::/112']);
  });
});

describe('cloudProfile', () => {
  it('offers the Kubernetes version pinned in tools/kubernetes/go.mod', () => {
    const goMod = readFileSync(fileURLToPath(new URL('../../../tools/kubernetes/go.mod', import.meta.url)), 'utf8');
    expect(goMod).toContain(`k8s.io/kubernetes v${KUBERNETES_VERSION}`);
    expect((cloudProfile().spec as { kubernetes: unknown }).kubernetes).toEqual({ versions: [{ version: KUBERNETES_VERSION }] });
  });
});

describe('splitCidrs', () => {
  it('splits a per-family list, trimming blanks, and gives nothing for an unset field', () => {
    expect(splitCidrs('10.0.0.0/15, fd00:10:1::/48')).toEqual(['10.0.0.0/15', 'fd00:10:1::/48']);
    expect(splitCidrs(undefined)).toEqual([]);
  });
});

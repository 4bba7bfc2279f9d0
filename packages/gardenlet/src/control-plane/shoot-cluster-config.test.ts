import { describe, expect, it } from 'vitest';
import { ValidationError } from '@seedbed/core';
import type { Seed, Shoot } from '@seedbed/gardener-api';
import { FAULT_ANNOTATION, resolveNetworks, shootClusterConfig } from './shoot-cluster-config.ts';

const shoot = (networking: Shoot['spec']['networking'], workers = [{ name: 'pool', minimum: 2, maximum: 3 }], annotations?: Record<string, string>): Shoot => ({
  apiVersion: 'core.gardener.cloud/v1beta1',
  kind: 'Shoot',
  metadata: { name: 'v6', namespace: 'garden-local', annotations },
  spec: { provider: { type: 'local', workers }, networking },
});
const seed = { spec: { networks: { pods: '10.0.0.0/15', services: '10.2.0.0/16', shootDefaults: { pods: '10.30.0.0/16', services: '10.40.0.0/16' } } } } as Seed;

describe('shoot cluster config', () => {
  it('defaults an IPv4 shoot from the seed and names it by technical ID', () => {
    const config = shootClusterConfig(shoot({ type: 'calico' }), seed);
    expect(config.name).toBe('shoot--local--v6');
    expect(config.podSubnets.map((c) => c.text)).toEqual(['10.30.0.0/16']);
    expect(config.serviceSubnets.map((c) => c.text)).toEqual(['10.40.0.0/16']);
    expect(config.nodeNetworks?.ipv4?.text).toBe('10.10.0.0/16');
    expect(config.nodes.map((n) => n.name)).toEqual(['v6-pool-0', 'v6-pool-1']);
    expect(config.nodes.every((n) => n.role === 'worker' && n.simulated)).toBe(true);
  });

  it('keeps IPv6-only shoots IPv6 everywhere, taking spec networks over defaults', () => {
    const networks = resolveNetworks(shoot({ ipFamilies: ['IPv6'], nodes: 'fd00:10:a::/64', pods: 'fd00:20:3::/56' }), seed);
    expect(networks).toEqual({ families: ['ipv6'], pods: ['fd00:20:3::/56'], services: ['fd00:10:4::/112'], nodes: ['fd00:10:a::/64'] });
  });

  it('gives dual-stack shoots both families, primary first', () => {
    const config = shootClusterConfig(shoot({ ipFamilies: ['IPv6', 'IPv4'] }), seed);
    expect(config.families).toEqual(['ipv6', 'ipv4']);
    expect(config.podSubnets.map((c) => c.text)).toEqual(['fd00:10:3::/56', '10.30.0.0/16']);
    expect(config.nodeMasks).toEqual({ ipv6: 64, ipv4: 24 });
  });

  it('takes each family\'s default from a dual-stack seed\'s per-family shoot defaults', () => {
    const dual = { spec: { networks: { pods: '10.0.0.0/15,fd00:10:1::/48', services: '10.2.0.0/16,fd00:10:2::/112', shootDefaults: { pods: '10.30.0.0/16,fd00:30:3::/56', services: '10.40.0.0/16,fd00:40:4::/112' } } } } as Seed;
    expect(resolveNetworks(shoot({ ipFamilies: ['IPv6'] }), dual)).toEqual({ families: ['ipv6'], pods: ['fd00:30:3::/56'], services: ['fd00:40:4::/112'], nodes: ['fd00:10:a::/64'] });
    expect(resolveNetworks(shoot({ ipFamilies: ['IPv4', 'IPv6'], pods: 'fd00:50:5::/56' }), dual).pods).toEqual(['10.30.0.0/16', 'fd00:50:5::/56']);
  });

  it('marks workers unsimulated for the never-ready fault and rejects shoots without workers', () => {
    const faulty = shootClusterConfig(shoot({}, undefined, { [FAULT_ANNOTATION]: 'workers-never-ready' }));
    expect(faulty.nodes.every((n) => n.simulated === false)).toBe(true);
    expect(() => shootClusterConfig(shoot({}, []))).toThrow(ValidationError);
  });
});

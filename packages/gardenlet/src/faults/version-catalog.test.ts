import { describe, expect, it } from 'vitest';
import type { Shoot } from '@seedbed/gardener-api';
import { BROKEN_IPV6_VERSION, faultFor, faultsForVersion } from './version-catalog.ts';

const shoot = (ipFamilies: Array<'IPv4' | 'IPv6'>) => ({ spec: { networking: { ipFamilies }, provider: { type: 'local' } } }) as unknown as Shoot;

describe('version catalog', () => {
  it('knows the broken IPv6 release', () => {
    expect(faultsForVersion(BROKEN_IPV6_VERSION)).toEqual([{ task: 'deploy-coredns', families: ['IPv6'] }]);
  });

  it('derives faults from a -broken-<family> suffix and none for ordinary versions', () => {
    expect(faultsForVersion('v3.1.0-broken-ipv4')).toEqual([{ task: 'deploy-coredns', families: ['IPv4'] }]);
    expect(faultsForVersion('v2.0.0')).toEqual([]);
    expect(faultsForVersion('v1.0.0-seedbed')).toEqual([]);
  });

  it('applies a fault to shoots having an affected family, dual-stack included', () => {
    const faults = faultsForVersion(BROKEN_IPV6_VERSION);
    expect(faultFor(faults, 'deploy-coredns', shoot(['IPv6']))).toBeDefined();
    expect(faultFor(faults, 'deploy-coredns', shoot(['IPv4', 'IPv6']))).toBeDefined();
    expect(faultFor(faults, 'deploy-coredns', shoot(['IPv4']))).toBeUndefined();
    expect(faultFor(faults, 'start-kube-apiserver', shoot(['IPv6']))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '@seedbed/core';
import type { Shoot } from '@seedbed/gardener-api';
import { parseRegistryConfig } from './registry-cache-config.ts';

const shoot = (providerConfig: unknown, extra: Record<string, unknown> = {}): Shoot =>
  ({
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'Shoot',
    metadata: { name: 's', namespace: 'garden-local' },
    spec: { provider: { type: 'local' }, extensions: [{ type: 'registry-cache', providerConfig }], ...extra },
  }) as Shoot;
const config = (caches: unknown[]) => ({ apiVersion: 'registry.extensions.gardener.cloud/v1alpha3', kind: 'RegistryConfig', caches });

describe('registry-cache providerConfig', () => {
  it('applies the extension defaults and normalises docker.io', () => {
    expect(parseRegistryConfig(shoot(config([{ upstream: 'docker.io' }, { upstream: 'ghcr.io', remoteURL: 'https://ghcr.io/', volume: { size: '5Gi' }, garbageCollection: { ttl: '0s' } }])))).toEqual([
      { upstream: 'docker.io', remoteURL: 'https://registry-1.docker.io', volumeSize: '10Gi', ttl: '168h', secretReferenceName: undefined, httpTLS: true },
      { upstream: 'ghcr.io', remoteURL: 'https://ghcr.io', volumeSize: '5Gi', ttl: '0s', secretReferenceName: undefined, httpTLS: true },
    ]);
  });

  it('is absent without the extension, or when it is disabled', () => {
    const plain = shoot(undefined);
    plain.spec.extensions = [];
    expect(parseRegistryConfig(plain)).toBeUndefined();
    const disabled = shoot(config([{ upstream: 'docker.io' }]));
    disabled.spec.extensions![0]!.disabled = true;
    expect(parseRegistryConfig(disabled)).toBeUndefined();
  });

  it('names every bad field', () => {
    try {
      parseRegistryConfig(
        shoot(config([{ upstream: 'https://docker.io' }, { upstream: 'ghcr.io', volume: { size: 'big' }, garbageCollection: { ttl: '7 days' }, secretReferenceName: 'creds' }, { upstream: 'ghcr.io' }])),
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems.map((p) => p.path)).toEqual([
        'spec.extensions[0].providerConfig.caches[0].upstream',
        'spec.extensions[0].providerConfig.caches[1].volume.size',
        'spec.extensions[0].providerConfig.caches[1].garbageCollection.ttl',
        'spec.extensions[0].providerConfig.caches[1].secretReferenceName',
        'spec.extensions[0].providerConfig.caches[2].upstream',
      ]);
    }
  });
});

/**
 * Integration (slow): the CRDs and the admission policy on a real API server —
 * Gardener-shaped manifests apply unchanged, bad shoots are rejected with the
 * field named.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeRaw, loadKubeConfig, type ClusterInfo, type KubeObject } from '@seedbed/cluster';
import { LocalClusterFixture } from '@seedbed/cluster/testing';
import { installGardenerApi, installLocalLandscape } from './install.ts';
import type { Shoot } from './types.ts';

const fixture = new LocalClusterFixture();
let info: ClusterInfo;
let raw: KubeRaw;
const testdata = (name: string) => parse(readFileSync(fileURLToPath(new URL(`./testdata/${name}`, import.meta.url)), 'utf8')) as KubeObject;
const shootsPath = '/apis/core.gardener.cloud/v1beta1/namespaces/garden-local/shoots';

function shoot(name: string, networking: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'Shoot',
    metadata: { name, namespace: 'garden-local' },
    spec: { cloudProfileName: 'local', region: 'local', networking: { type: 'calico', ...networking }, provider: { type: 'local', workers: [{ name: 'w', minimum: 1, maximum: 1 }] } },
  };
}

beforeAll(async () => {
  const config = await fixture.config('dual-stack', 'gapi');
  info = await fixture.provider.create(config);
  await installGardenerApi(info.kubeconfigPath);
  await installLocalLandscape(info.kubeconfigPath, config);
  raw = new KubeRaw(loadKubeConfig(info.kubeconfigPath));
}, 120_000);
afterAll(() => fixture.dispose(), 60_000);

describe('Gardener API subset', () => {
  it('applies Gardener-shaped IPv4 and IPv6 shoots unchanged, keeping fields it does not model', async () => {
    for (const file of ['shoot-local.yaml', 'shoot-local-ipv6.yaml']) {
      const manifest = testdata(file);
      const created = await raw.create(manifest, 'shoots');
      const stored = await raw.get<Shoot & KubeObject>(`${shootsPath}/${manifest.metadata.name}`);
      expect(stored.spec).toEqual(manifest.spec);
      expect(created.metadata.name).toBe(manifest.metadata.name);
    }
  });

  it('rejects networks of a family not in ipFamilies, naming the field', async () => {
    const error = await raw.create(shoot('wrong-family', { ipFamilies: ['IPv6'], pods: '10.3.0.0/16' }), 'shoots').catch((e: unknown) => e);
    expect((error as Error).message).toContain('HTTP 422');
    expect((error as Error).message).toContain('spec.networking.pods: Invalid value');
    expect((error as Error).message).toContain('spec.networking.pods 10.3.0.0/16 is not of a family in ipFamilies IPv6');
  });

  it('rejects shoot networks that overlap the seed, naming the field and the seed', async () => {
    const error = await raw.create(shoot('overlap', { pods: '10.1.0.0/16', services: '10.4.0.0/16' }), 'shoots').catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'spec.networking.pods: 10.1.0.0/16 overlaps a network of seed local (10.0.0.0/15, 10.2.0.0/16, 172.18.0.0/16); pick a disjoint range',
    );
    expect((error as Error).message).not.toContain('spec.networking.services');
  });

  it('keeps networks immutable and only lets ipFamilies grow', async () => {
    await raw.create(shoot('immutable', { ipFamilies: ['IPv4'], pods: '10.3.0.0/16', nodes: '10.10.0.0/16' }), 'shoots');
    const path = `${shootsPath}/immutable`;
    await expect(raw.patch(path, { spec: { networking: { pods: '10.5.0.0/16' } } })).rejects.toThrow('spec.networking.pods: Invalid value: "10.5.0.0/16": field is immutable');
    await expect(raw.patch(path, { spec: { networking: { ipFamilies: ['IPv6'] } } })).rejects.toThrow(/can only be extended/);
    const grown = await raw.patch<Shoot>(path, { spec: { networking: { ipFamilies: ['IPv4', 'IPv6'] } } });
    expect(grown.spec.networking?.ipFamilies).toEqual(['IPv4', 'IPv6']);
  });

  it('rejects invalid CIDRs and worker ranges with every problem listed', async () => {
    const bad = shoot('bad', { pods: '10.3.0.1/16', nodes: 'not-a-cidr' });
    (bad.spec as Shoot['spec']).provider.workers = [{ name: 'w', minimum: 3, maximum: 1 }];
    const message = String(await raw.create(bad, 'shoots').catch((e: Error) => e.message));
    expect(message).toContain('spec.networking.pods: Invalid value: "10.3.0.1/16": must not have host bits set');
    expect(message).toContain('spec.networking.nodes: Invalid value: "not-a-cidr": must be a CIDR');
    expect(message).not.toContain('"not-a-cidr": must not have host bits set');
    expect(message).toContain('spec.provider.workers[0].minimum: Invalid value: minimum must not exceed maximum');
  });
});

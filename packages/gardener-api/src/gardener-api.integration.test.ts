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

  it('rejects shoot networks that overlap the seed, naming the field and both ranges', async () => {
    const error = await raw.create(shoot('overlap', { pods: '10.1.0.0/16', services: '10.4.0.0/16' }), 'shoots').catch((e: unknown) => e);
    expect((error as Error).message).toContain("spec.networking.pods: 10.1.0.0/16 overlaps seed local's pods network 10.0.0.0/15; pick a disjoint range");
    expect((error as Error).message).not.toContain('spec.networking.services');
  });

  it('rejects IPv6 and dual-stack shoot networks that overlap any family of the seed', async () => {
    // an admission policy reports its first failing validation only, so one overlap per shoot
    const v6nodes = await raw.create(shoot('overlap-v6-nodes', { ipFamilies: ['IPv6'], nodes: 'fd00:10:1:5::/64' }), 'shoots').catch((e: Error) => e.message);
    expect(v6nodes).toContain("spec.networking.nodes: fd00:10:1:5::/64 overlaps seed local's pods network fd00:10:1::/48");
    const v6services = await raw.create(shoot('overlap-v6-services', { ipFamilies: ['IPv6'], services: 'fd00:10:2::/112' }), 'shoots').catch((e: Error) => e.message);
    expect(v6services).toContain("spec.networking.services: fd00:10:2::/112 overlaps seed local's services network fd00:10:2::/112");
    const dual = await raw.create(shoot('overlap-dual', { ipFamilies: ['IPv4', 'IPv6'], pods: 'fc00:f853:ccd:e793::/64' }), 'shoots').catch((e: Error) => e.message);
    expect(dual).toContain("spec.networking.pods: fc00:f853:ccd:e793::/64 overlaps seed local's nodes network fc00:f853:ccd:e793::/64");
    await raw.create(shoot('disjoint-v6', { ipFamilies: ['IPv6'], nodes: 'fd00:10:a::/64', pods: 'fd00:10:3::/56' }), 'shoots');
  });

  it('refuses a seed whose networks do not list one CIDR per family in ipFamilies order', async () => {
    const seed = (networks: Record<string, unknown>) => ({ apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Seed', metadata: { name: 'bad' }, spec: { provider: { type: 'local', region: 'local' }, networks } });
    const message = String(
      await raw.create(seed({ ipFamilies: ['IPv4', 'IPv6'], pods: 'fd00:20:1::/48,10.20.0.0/16', services: '10.21.0.0/16', nodes: '10.22.0.0/16,10.23.0.0/16' }), 'seeds').catch((e: Error) => e.message),
    );
    expect(message).toContain('spec.networks.pods fd00:20:1::/48,10.20.0.0/16 must list one CIDR per family of ipFamilies (IPv4 when unset), in its order');
    expect(message).toContain('spec.networks.services 10.21.0.0/16 must list one CIDR per family of ipFamilies (IPv4 when unset), in its order');
    expect(message).toContain('must list at most one CIDR per family');
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

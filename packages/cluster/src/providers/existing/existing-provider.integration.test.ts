/** Integration (slow): registering a running cluster by its kubeconfig, as a user would a remote one. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKindConfig } from '../../config/kind-config.ts';
import { LocalClusterFixture } from '../../testing/cluster-fixture.ts';
import type { ClusterInfo } from '../provider.ts';
import { ExistingProvider } from './existing-provider.ts';

const fixture = new LocalClusterFixture();
const config = (family: string) => parseKindConfig(`kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: remote\nnetworking:\n  ipFamily: ${family}\n`, 't');
let target: ClusterInfo;
const stateDirs: string[] = [];
const stateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'seedbed-existing-'));
  stateDirs.push(dir);
  return dir;
};

beforeAll(async () => {
  target = await fixture.provider.create({ ...config('ipv4'), name: 'target' });
}, 120_000);
afterAll(async () => {
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
  await fixture.dispose();
}, 60_000);

describe('existing provider', () => {
  it('registers a reachable cluster, reports its podCIDRs, and only forgets it on delete', async () => {
    const provider = new ExistingProvider(target.kubeconfigPath, stateDir());
    const info = await provider.create(config('ipv4'));
    expect(info.provider).toBe('existing');
    expect(info.server).toBe(target.server);
    expect(info.podSubnets).toEqual(['10.0.0.0/24']);
    expect((await provider.list()).map((c) => c.name)).toEqual(['remote']);
    await provider.delete('remote');
    expect(await provider.list()).toEqual([]);
    expect((await fixture.provider.info('target')).status).toBe('running');
  });

  it('refuses a config whose IP families the cluster does not serve', async () => {
    const provider = new ExistingProvider(target.kubeconfigPath, stateDir());
    await expect(provider.create(config('ipv6'))).rejects.toThrow('the cluster serves ipv4 but the config asks for ipv6');
  });

  it('says what is missing without a kubeconfig', async () => {
    const status = await new ExistingProvider('/nonexistent/kubeconfig').available();
    expect(status).toEqual({ ok: false, reason: '/nonexistent/kubeconfig does not exist', hint: 'pass --kubeconfig with an existing file' });
  });
});

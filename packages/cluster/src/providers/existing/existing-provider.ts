/**
 * The `existing` provider: any cluster reachable with a kubeconfig (a remote
 * cluster, a real Gardener landscape). `create` registers it after checking it
 * answers and has the IP families the config asks for; `delete` only forgets
 * it — seedbed never tears down a cluster it did not create.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { SeedbedError } from '@seedbed/core';
import type { IpFamily } from '../../config/cidr.ts';
import type { ClusterConfig } from '../../config/kind-config.ts';
import { callApi } from '../../kube/kube-client.ts';
import { stateRoot } from '../../state/state-store.ts';
import type { Availability, ClusterInfo, ClusterProvider } from '../provider.ts';

export class ExistingProvider implements ClusterProvider {
  readonly name = 'existing' as const;
  private readonly root: string;
  private readonly kubeconfigPath?: string;

  /** `kubeconfigPath` is the cluster to register (default: $KUBECONFIG). */
  constructor(kubeconfigPath = process.env.KUBECONFIG, root = join(stateRoot(), 'existing')) {
    this.kubeconfigPath = kubeconfigPath ? resolve(kubeconfigPath) : undefined;
    this.root = root;
  }

  async available(): Promise<Availability> {
    if (!this.kubeconfigPath) return { ok: false, reason: 'no kubeconfig given', hint: 'pass --kubeconfig FILE or set KUBECONFIG' };
    if (!existsSync(this.kubeconfigPath)) return { ok: false, reason: `${this.kubeconfigPath} does not exist`, hint: 'pass --kubeconfig with an existing file' };
    return { ok: true };
  }

  async create(config: ClusterConfig): Promise<ClusterInfo> {
    const status = await this.available();
    if (!status.ok) throw new SeedbedError('PROVIDER_UNAVAILABLE', `existing provider: ${status.reason}`, { hint: status.hint });
    const kc = new KubeConfig();
    kc.loadFromFile(this.kubeconfigPath!);
    const api = kc.makeApiClient(CoreV1Api);
    const service = await callApi(`reach the cluster in ${this.kubeconfigPath}`, () => api.readNamespacedService({ name: 'kubernetes', namespace: 'default' }));
    const families = (service.spec?.ipFamilies ?? []).map((f) => (f === 'IPv6' ? 'ipv6' : 'ipv4')) as IpFamily[];
    if (!config.families.every((f) => families.includes(f))) {
      throw new SeedbedError('FAMILY_MISMATCH', `the cluster serves ${families.join('+') || 'unknown'} but the config asks for ${config.families.join('+')}`, {
        hint: 'pick a kind config matching the cluster (kind-configs/), or another cluster',
      });
    }
    const nodes = await callApi('list nodes', () => api.listNode());
    const podSubnets = [...new Set(nodes.items.flatMap((n) => n.spec?.podCIDRs ?? []))];
    const info: ClusterInfo = {
      name: config.name,
      provider: 'existing',
      status: 'running',
      families: config.families,
      server: kc.getCurrentCluster()?.server ?? '',
      kubeconfigPath: this.kubeconfigPath!,
      podSubnets,
      serviceSubnets: service.spec?.clusterIPs ?? [],
    };
    await mkdir(this.root, { recursive: true });
    await writeFile(join(this.root, `${config.name}.json`), JSON.stringify(info, null, 2));
    return info;
  }

  async delete(name: string): Promise<void> {
    await this.info(name);
    await rm(join(this.root, `${name}.json`));
  }

  async list(): Promise<ClusterInfo[]> {
    try {
      const files = (await readdir(this.root)).filter((f) => f.endsWith('.json'));
      return files.map((f) => JSON.parse(readFileSync(join(this.root, f), 'utf8')) as ClusterInfo);
    } catch {
      return [];
    }
  }

  async info(name: string): Promise<ClusterInfo> {
    const found = (await this.list()).find((c) => c.name === name);
    if (!found) throw new SeedbedError('CLUSTER_NOT_FOUND', `no registered existing cluster named "${name}"`, { hint: 'register one with `seedbed cluster up --provider existing --kubeconfig FILE --name NAME`' });
    return found;
  }

  async kubeconfig(name: string): Promise<string> {
    return (await this.info(name)).kubeconfigPath;
  }
}

/**
 * Integration (slow, labelled by file name): real local clusters in every
 * family, checked through @kubernetes/client-node and kubectl.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AppsV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBinaries } from '@seedbed/binaries';
import { Wait, runCommand } from '@seedbed/core';
import { containsIp, parseCidr, type Cidr, type IpFamily } from '../../config/cidr.ts';
import type { ClusterConfig } from '../../config/kind-config.ts';
import type { ShippedConfig } from '../../config/kind-configs.ts';
import { loadKubeConfig } from '../../kube/kube-client.ts';
import { LocalClusterFixture } from '../../testing/cluster-fixture.ts';
import type { ClusterInfo } from '../provider.ts';
import { probe } from './http-probe.ts';

const LOOPBACK: Record<IpFamily, string> = { ipv4: '127.0.0.1', ipv6: '[::1]' };
const API_FAMILY: Record<IpFamily, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };

describe.each<ShippedConfig>(['ipv4', 'ipv6', 'dual-stack', 'dual-stack-ipv6-primary'])('local cluster from kind-configs/%s.yaml', (shipped) => {
  const fixture = new LocalClusterFixture();
  let config: ClusterConfig;
  let info: ClusterInfo;

  beforeAll(async () => {
    config = await fixture.config(shipped);
    info = await fixture.provider.create(config);
  }, 120_000);
  afterAll(() => fixture.dispose(), 60_000);

  const core = () => loadKubeConfig(info.kubeconfigPath).makeApiClient(CoreV1Api);
  const pki = () => {
    const dir = `${info.stateDir}/pki`;
    return { ca: `${dir}/ca.crt`, cert: `${dir}/admin.crt`, key: `${dir}/admin.key` };
  };

  it('answers /readyz on the loopback address of its primary family', async () => {
    const primary = config.families[0]!;
    expect(new URL(info.server).hostname).toBe(LOOPBACK[primary]);
    const { status, body } = await probe(`${info.server}/readyz`, pki());
    expect(status).toBe(200);
    expect(body).toBe('ok');
    const version = JSON.parse((await probe(`${info.server}/version`, pki())).body) as { gitVersion: string };
    expect(version.gitVersion).toMatch(/^v1\.36\.\d+$/);
  });

  it('serves a certificate valid for both loopbacks and the first ClusterIP of each service subnet', () => {
    const cert = new X509Certificate(readFileSync(`${info.stateDir}/pki/apiserver.crt`));
    for (const ip of ['127.0.0.1', '::1']) expect(cert.checkIP(ip)).toBe(ip);
    for (const subnet of config.serviceSubnets) {
      const first = subnet.family === 'ipv4' ? subnet.text.replace(/0\/\d+$/, '1') : subnet.text.replace(/::\/\d+$/, '::1');
      expect(cert.checkIP(first)).toBe(first);
    }
  });

  it('gives Services ClusterIPs of the right families', async () => {
    const api = core();
    const single = await api.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'single' }, spec: { ports: [{ port: 80 }], selector: { app: 'x' } } },
    });
    expect(single.spec?.ipFamilies).toEqual([API_FAMILY[config.families[0]!]]);
    expect(containsIp(config.serviceSubnets[0]!, single.spec!.clusterIP!)).toBe(true);
    if (config.families.length === 2) {
      const dual = await api.createNamespacedService({
        namespace: 'default',
        body: { metadata: { name: 'dual' }, spec: { ipFamilyPolicy: 'RequireDualStack', ports: [{ port: 80 }], selector: { app: 'x' } } },
      });
      expect(dual.spec?.ipFamilies).toEqual(config.families.map((f) => API_FAMILY[f]));
      expect(dual.spec?.clusterIPs).toHaveLength(2);
      dual.spec!.clusterIPs!.forEach((ip, i) => expect(containsIp(config.serviceSubnets[i]!, ip)).toBe(true));
    }
  });

  it('has Ready nodes with podCIDRs of the right families inside the pod subnets', async () => {
    const nodes = (await core().listNode()).items;
    expect(nodes.map((n) => n.metadata?.name).sort()).toEqual(config.nodes.map((n) => n.name).sort());
    for (const node of nodes) {
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      const cidrs = (node.spec?.podCIDRs ?? []).map((c) => parseCidr(c) as Cidr);
      expect(cidrs.map((c) => c.family)).toEqual(config.families);
      cidrs.forEach((c, i) => {
        expect(c.prefix).toBe(config.nodeMasks[c.family]);
        expect(containsIp(config.podSubnets[i]!, c.text.split('/')[0]!), `${c.text} inside ${config.podSubnets[i]!.text}`).toBe(true);
      });
      const internal = node.status?.addresses?.filter((a) => a.type === 'InternalIP').map((a) => a.address) ?? [];
      expect(internal.map((ip) => (ip.includes(':') ? 'ipv6' : 'ipv4'))).toEqual(config.families);
    }
  });

  it('runs a Deployment whose pods get IPs inside their node\'s podCIDRs', async () => {
    const apps = loadKubeConfig(info.kubeconfigPath).makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }] } },
        },
      },
    });
    const api = core();
    const pods = await new Wait({ what: '3 running web pods', timeoutMs: 30_000 }).until(async () => {
      const list = (await api.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items;
      return list.length === 3 && list.every((p) => p.status?.phase === 'Running' && p.status.podIPs?.length) ? list : undefined;
    });
    const nodes = new Map((await api.listNode()).items.map((n) => [n.metadata!.name!, n.spec!.podCIDRs!.map((c) => parseCidr(c) as Cidr)]));
    for (const pod of pods as V1Pod[]) {
      const cidrs = nodes.get(pod.spec!.nodeName!)!;
      const ips = pod.status!.podIPs!.map((p) => p.ip);
      expect(ips).toHaveLength(config.families.length);
      ips.forEach((ip, i) => expect(containsIp(cidrs[i]!, ip), `${ip} in ${cidrs[i]!.text}`).toBe(true));
    }
  });

  it('writes a kubeconfig that works with kubectl', async () => {
    const kubectl = (await resolveBinaries({ names: ['kubectl'] })).path('kubectl');
    const { stdout } = await runCommand(kubectl, ['--kubeconfig', info.kubeconfigPath, 'get', 'nodes', '-o', 'name']);
    expect(stdout.trim().split('\n').sort()).toEqual(config.nodes.map((n) => `node/${n.name}`).sort());
  });

  it('leaves no process, port or state directory after delete', async () => {
    const record = fixture.record(config.name);
    const url = new URL(info.server);
    const ports = [{ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) }];
    await fixture.provider.delete(config.name);
    expect(await fixture.leftovers(record, ports)).toEqual([]);
    await expect(fixture.provider.info(config.name)).rejects.toThrow(/no local cluster named/);
  });
});

/**
 * Integration (slow): real kind clusters in IPv4, IPv6-only and dual-stack on
 * seedbed's container engine, from the shipped kind-configs with 2 nodes, one
 * cluster per family created once and checked from the inside (nodes, system
 * pods, a Service of the right family, pods on both nodes with IPs in their
 * podCIDRs, pod-to-pod traffic across nodes, DNS through CoreDNS, `kind load`
 * of a locally built image, a server next to the cluster started with
 * testcontainers), then the faults, then `down` leaving nothing. Where no
 * engine can exist (no Docker/Podman and no docker.io as root) it skips,
 * naming what is missing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { SeedbedError, consoleProgress, stateRoot } from '@seedbed/core';
import { detectEngine, engineCanExist, engineEnv, leaseEngine, ownedDockerdState, runDocker, useEngineForTestcontainers, type Engine, type EngineLease } from '@seedbed/engine';
import { buildNodeImage } from '@seedbed/node-image';
import { containsIp, parseCidr, type Cidr } from '../../config/cidr.ts';
import { DEFAULT_NODE_NETWORK_IPV4, DEFAULT_NODE_NETWORK_IPV6, loadKindConfig, parseKindConfig, type ClusterConfig } from '../../config/kind-config.ts';
import { shippedConfigPath, type ShippedConfig } from '../../config/kind-configs.ts';
import { KindCluster, NETCHECK, NETCHECK_PORT, netcheckImage, url } from '../../testing/kind-checks.ts';
import type { ClusterInfo } from '../provider.ts';
import { KindProvider } from './kind-provider.ts';
import { kindNetworkName } from './kind-network.ts';

const detected = await detectEngine();
const engineExists = engineCanExist(detected);
const missing = engineExists ? '' : ` (skipped: no container engine can run here — ${detected.tried.join('; ')}; and no docker.io dockerd as root)`;
const PREFIX = `kit${process.pid % 10_000}`;
const FAMILIES: ReadonlyArray<[ShippedConfig, string]> = [
  ['ipv4', 'IPv4'],
  ['ipv6', 'IPv6-only'],
  ['dual-stack', 'dual-stack'],
];

const cidrs = (texts: readonly string[]): Cidr[] => texts.map((t) => parseCidr(t) as Cidr);
const inAny = (ranges: readonly Cidr[], ip: string) => ranges.some((r) => containsIp(r, ip));

describe.skipIf(!engineExists)(`kind provider on real clusters${missing}`, () => {
  const provider = new KindProvider();
  let lease: EngineLease;
  let engine: Engine;
  let image: string;

  beforeAll(async () => {
    // a lease: seedbed's dockerd, if a lease starts it, stops when the last test file holding one releases it
    lease = await leaseEngine({ progress: consoleProgress() });
    engine = lease.engine;
    useEngineForTestcontainers(engine);
    // cached: present, or loaded from the cache's tarball; a fresh machine builds it here (about 25 minutes)
    await buildNodeImage({ env: engineEnv(engine), progress: consoleProgress() });
    image = await netcheckImage(engine);
  }, 45 * 60_000);

  // after a failure that skipped the last test; releasing twice is harmless
  afterAll(() => lease?.release(), 120_000);

  describe.each(FAMILIES)('%s', (family, label) => {
    const name = `${PREFIX}-${family}`;
    let config: ClusterConfig;
    let info: ClusterInfo;
    let cluster: KindCluster;
    let pods: V1Pod[];

    beforeAll(async () => {
      config = await loadKindConfig(shippedConfigPath(family), name);
      info = await provider.create(config, { progress: consoleProgress() });
      cluster = new KindCluster(config, info.kubeconfigPath);
    }, 300_000);

    afterAll(async () => {
      // the last test removes it; this only runs the removal when an earlier failure skipped that
      if ((await provider.list()).some((c) => c.name === name)) await provider.delete(name);
    }, 120_000);

    it(`fills ClusterInfo from the config and the cluster (${label})`, () => {
      expect(info.provider).toBe('kind');
      expect(info.families).toEqual(config.families);
      expect(info.podSubnets).toEqual(config.podSubnets.map((c) => c.text));
      expect(info.serviceSubnets).toEqual(config.serviceSubnets.map((c) => c.text));
      expect(info.server).toMatch(config.families[0] === 'ipv6' ? /^https:\/\/\[::1\]:\d+$/ : /^https:\/\/127\.0\.0\.1:\d+$/);
    });

    it('has every node Ready and every kube-system pod Running', { timeout: 200_000 }, async () => {
      const nodes = await cluster.nodes();
      expect(nodes).toHaveLength(2);
      for (const node of nodes) {
        expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
        expect(node.spec?.podCIDRs).toHaveLength(config.families.length);
        for (const podCidr of node.spec!.podCIDRs!) expect(inAny(cidrs(info.podSubnets), podCidr.split('/')[0]!)).toBe(true);
        if (existsSync(join(stateRoot(), 'kind', `network-${kindNetworkName()}.created-by-seedbed`))) {
          // seedbed made the kind network with the config's node networks (kind's own ranges by default)
          const nodeNetworks = cidrs([DEFAULT_NODE_NETWORK_IPV4, DEFAULT_NODE_NETWORK_IPV6]);
          for (const address of node.status!.addresses!.filter((a) => a.type === 'InternalIP')) expect(inAny(nodeNetworks, address.address), address.address).toBe(true);
        }
      }
      const system = await cluster.systemPodsRunning();
      const names = system.map((p) => p.metadata!.name!);
      for (const component of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'coredns']) {
        expect(names.some((n) => n.startsWith(component)), `${component} among ${names.join(', ')}`).toBe(true);
      }
    });

    it('runs a kind-loaded local image on both nodes, pod IPs inside their nodes’ podCIDRs, behind a Service of the cluster’s families', { timeout: 200_000 }, async () => {
      await provider.loadImage(name, image);
      const deployed = await cluster.deployNetcheck(image);
      pods = deployed.pods;
      const nodes = await cluster.nodes();
      expect(new Set(pods.map((p) => p.spec!.nodeName))).toEqual(new Set(nodes.map((n) => n.metadata!.name)));
      for (const pod of pods) {
        const node = nodes.find((n) => n.metadata!.name === pod.spec!.nodeName)!;
        const ips = pod.status!.podIPs!.map((p) => p.ip);
        expect(ips).toHaveLength(config.families.length);
        for (const ip of ips) expect(inAny(cidrs(node.spec!.podCIDRs!), ip), `${ip} in ${node.spec!.podCIDRs}`).toBe(true);
      }
      const service = deployed.service.spec!;
      expect(service.clusterIPs).toHaveLength(config.families.length);
      expect(service.ipFamilies).toEqual(config.families.map((f) => (f === 'ipv4' ? 'IPv4' : 'IPv6')));
      for (const ip of service.clusterIPs!) expect(inAny(cidrs(info.serviceSubnets), ip)).toBe(true);
    });

    it('carries pod-to-pod traffic across nodes in every family, and resolves names through CoreDNS', { timeout: 120_000 }, async () => {
      const [a, b] = pods;
      for (const ip of b!.status!.podIPs!.map((p) => p.ip)) {
        expect(await cluster.netcheck(a!, ['get', url(ip)])).toContain(b!.metadata!.name!);
      }
      const service = (await cluster.core.readNamespacedService({ name: NETCHECK, namespace: 'default' })).spec!;
      const resolved = (await cluster.netcheck(a!, ['resolve', `${NETCHECK}.default.svc.cluster.local`])).split('\n').sort();
      expect(resolved).toEqual([...service.clusterIPs!].sort());
      expect(await cluster.netcheck(b!, ['get', url('', NETCHECK_PORT, `${NETCHECK}.default.svc.cluster.local`)])).toMatch(new RegExp(`^${NETCHECK}-`));
    });

    it('serves a client next to the cluster on the kind network (started with testcontainers) through a NodePort in every family', { timeout: 120_000 }, async () => {
      const network = kindNetworkName();
      const client: StartedTestContainer = await new GenericContainer(image).withNetworkMode(network).withCommand(['serve', `:${NETCHECK_PORT}`]).start();
      try {
        const service = (await cluster.core.readNamespacedService({ name: NETCHECK, namespace: 'default' })).spec!;
        const nodePort = service.ports![0]!.nodePort!;
        for (const node of await cluster.nodes()) {
          const addresses = node.status!.addresses!.filter((a) => a.type === 'InternalIP').map((a) => a.address);
          expect(addresses, `${node.metadata!.name} has an InternalIP per family`).toHaveLength(config.families.length);
          for (const address of addresses) {
            const fetched = await client.exec([`/${NETCHECK}`, 'get', url(address, nodePort)]);
            expect(fetched.exitCode, `GET ${url(address, nodePort)} from ${network}: ${fetched.output}`).toBe(0);
            expect(fetched.output).toMatch(new RegExp(`^${NETCHECK}-`));
          }
        }
      } finally {
        await client.stop();
      }
    });

    if (family === 'ipv4') {
      it('refuses a second up of the same name, leaving the running cluster alone', { timeout: 60_000 }, async () => {
        const error = await provider.create(config).catch((e: unknown) => e);
        expect((error as SeedbedError).code).toBe('CLUSTER_EXISTS');
        expect((error as SeedbedError).hint).toContain(`seedbed cluster down --provider kind --name ${name}`);
        expect(await cluster.nodes()).toHaveLength(2);
      });

      it('says which field a config kind rejects, and leaves no node behind', { timeout: 120_000 }, async () => {
        const text = `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  kubeProxyMode: bogus\nnodes:\n  - role: control-plane\n`;
        const rejected = parseKindConfig(text, 'bogus.yaml', `${PREFIX}-rejected`);
        const error = await provider.create(rejected).catch((e: unknown) => e);
        expect((error as SeedbedError).code).toBe('KIND_CONFIG_REJECTED');
        expect((error as SeedbedError).message).toMatch(/invalid kubeProxyMode: bogus/);
        const left = await runDocker(engine, ['ps', '-aq', '--filter', `label=io.x-k8s.kind.cluster=${PREFIX}-rejected`]);
        expect(left.stdout.trim()).toBe('');
        expect(existsSync(join(stateRoot(), 'kind', `${PREFIX}-rejected`))).toBe(false);
      });

      it('refuses down of an unknown cluster, naming the ones it knows', async () => {
        const error = await provider.delete(`${PREFIX}-nope`).catch((e: unknown) => e);
        expect((error as SeedbedError).code).toBe('CLUSTER_NOT_FOUND');
        expect((error as SeedbedError).hint).toContain(name);
      });
    }

    it('down removes the nodes, its kubeconfig and state, and the kind network once seedbed no longer uses it', { timeout: 120_000 }, async () => {
      const marker = join(stateRoot(), 'kind', `network-${kindNetworkName()}.created-by-seedbed`);
      const seedbedCreatedNetwork = existsSync(marker);
      await provider.delete(name);
      const remaining = (await provider.list()).map((c) => c.name);
      expect(remaining).not.toContain(name);
      expect((await runDocker(engine, ['ps', '-aq', '--filter', `label=io.x-k8s.kind.cluster=${name}`])).stdout.trim()).toBe('');
      expect(existsSync(info.stateDir!)).toBe(false);
      const networks = (await runDocker(engine, ['network', 'ls', '--format', '{{.Name}}'])).stdout.split('\n');
      // the network goes with the last cluster when seedbed created it; one that was there before seedbed stays
      expect(networks.includes(kindNetworkName())).toBe(!(seedbedCreatedNetwork && remaining.length === 0));
      expect(existsSync(marker)).toBe(seedbedCreatedNetwork && remaining.length > 0);
    });
  });

  it('releases its engine lease: a seedbed dockerd a lease started stops with the last lease, leaving no dockerd, containerd or docker0', { timeout: 120_000 }, async (ctx) => {
    const before = await ownedDockerdState();
    const done = await lease.release();
    if (done.length === 0) {
      const why = !engine.owned ? `${engine.describe()} is not seedbed's` : before.state === 'running' && before.record.startedBy !== 'lease' ? 'it was started by `seedbed engine up`' : 'another test file still holds a lease';
      ctx.skip(`the engine keeps running: ${why}`);
    }
    expect(done.join('\n')).toMatch(/dockerd \d+ stopped/);
    expect((await ownedDockerdState()).state).toBe('stopped');
    expect((await detectEngine()).engine).toBeUndefined();
    const docker0Before = before.state === 'running' && before.record.hostNetwork?.docker0Existed;
    expect(existsSync('/sys/class/net/docker0')).toBe(!!docker0Before);
  });
});

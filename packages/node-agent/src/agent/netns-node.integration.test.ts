/**
 * Integration (root, iproute2): nodes whose addresses live in network
 * namespaces the test creates, on a real dual-stack local cluster. Each node
 * gets a namespace with a veth link to this machine and a private IPv4 and
 * ULA IPv6 address there; its Node object carries those as InternalIPs. The
 * agent (in this process, where the API server's loopback is) obtains a
 * serving certificate whose IP SANs are exactly those addresses and serves
 * HTTPS *inside* the namespace (NetnsHttpsEndpoint: a listener process
 * started with `ip netns exec`); a client on this machine reaches it only
 * over the veth link and verifies it against the kubelet-serving CA by IP,
 * IPv4 and IPv6. Every namespace, link, listener and the cluster are removed
 * in afterAll — also when setup failed half-way — and checked to be gone.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { CleanupStack, FakeClock, Wait, isAlive, runCommand } from '@seedbed/core';
import { loadKubeConfig, type ClusterConfig, type ClusterInfo } from '@seedbed/cluster';
import { LocalClusterFixture } from '@seedbed/cluster/testing';
import { CsrApprover } from '@seedbed/csr-approver';
import { bootstrapKubeConfig, createBootstrapToken } from '../bootstrap/bootstrap-token.ts';
import { certificateNames } from '../certs/cert-store.ts';
import type { NetnsHttpsEndpoint } from '../serve/netns-https-endpoint.ts';
import { httpsGet, normSerial } from '../testing/https-get.ts';
import { createNodeNetwork, nodeNetworkLeftovers, type NodeNetwork } from '../testing/node-network.ts';
import { KUBELET_PORT, NodeAgent } from './node-agent.ts';

const cleanup = new CleanupStack();
const fixture = new LocalClusterFixture();
const work = mkdtempSync(join(tmpdir(), 'seedbed-agent-netns-'));
const networks = new Map<string, NodeNetwork>();
const agents = new Map<string, { agent: NodeAgent; clock: FakeClock }>();
const listenerPids: number[] = [];
let config: ClusterConfig;
let info: ClusterInfo;
const pki = (file: string) => readFileSync(join(info.stateDir!, 'pki', file), 'utf8');
const endpointOf = (agent: NodeAgent) => agent['endpoint'] as NetnsHttpsEndpoint;

beforeAll(async () => {
  cleanup.add('remove the work directory', () => rmSync(work, { recursive: true, force: true }));
  const base = await fixture.config('dual-stack', 'agent-netns');
  for (const [i, node] of base.nodes.entries()) networks.set(node.name, await createNodeNetwork(cleanup, i));
  config = { ...base, nodeAddresses: Object.fromEntries([...networks].map(([name, n]) => [name, [n.nodeIPv4, n.nodeIPv6]])) };
  cleanup.add('delete the cluster', () => fixture.dispose());
  info = await fixture.provider.create(config);
  const admin = loadKubeConfig(info.kubeconfigPath);
  const approver = new CsrApprover({ kubeConfig: admin });
  cleanup.add('stop the approver', () => approver.stop());
  await approver.start();
  const token = await createBootstrapToken(admin, { ttlMs: 3_600_000 });
  for (const node of config.nodes) {
    const clock = new FakeClock();
    const agent = new NodeAgent({
      nodeName: node.name,
      bootstrapKubeConfig: bootstrapKubeConfig(admin, token),
      certDir: join(work, node.name),
      port: KUBELET_PORT, // each namespace has its own ports
      netns: networks.get(node.name)!.netns,
      rotationClock: clock,
    });
    cleanup.add(`stop the agent of ${node.name}`, () => agent.stop());
    agents.set(node.name, { agent, clock });
  }
  await Promise.all([...agents.values()].map(({ agent }) => agent.start()));
  for (const { agent } of agents.values()) listenerPids.push(endpointOf(agent).pid!);
}, 180_000);

afterAll(async () => {
  expect(await cleanup.run()).toEqual([]);
  for (const network of networks.values()) expect(await nodeNetworkLeftovers(network)).toEqual([]);
  for (const pid of listenerPids) expect(isAlive(pid)).toBe(false);
}, 90_000);

describe('nodes with addresses in their own network namespaces (dual-stack)', () => {
  it("gives each node a serving certificate whose IP SANs are exactly its namespace's IPv4 and IPv6 (its InternalIPs)", async () => {
    const servingCa = new X509Certificate(pki('kubelet-serving-ca.crt'));
    const nodes = (await loadKubeConfig(info.kubeconfigPath).makeApiClient(CoreV1Api).listNode()).items;
    expect(nodes.map((n) => n.metadata!.name).sort()).toEqual([...networks.keys()].sort());
    for (const node of nodes) {
      const name = node.metadata!.name!;
      const { nodeIPv4, nodeIPv6 } = networks.get(name)!;
      const internal = node.status!.addresses!.filter((a) => a.type === 'InternalIP').map((a) => a.address);
      expect(internal.sort()).toEqual([nodeIPv4, nodeIPv6].sort());
      const serving = agents.get(name)!.agent.servingCertificate!;
      expect(new X509Certificate(serving.certPem).verify(servingCa.publicKey)).toBe(true);
      expect(certificateNames(serving.certPem).ipAddresses).toEqual([nodeIPv4, nodeIPv6].sort());
    }
  });

  it("serves HTTPS inside each node's namespace; a client here verifies the certificate by IP over the veth link, IPv4 and IPv6", async () => {
    const servingCa = pki('kubelet-serving-ca.crt');
    for (const [name, { agent }] of agents) {
      const { netns, nodeIPv4, nodeIPv6 } = networks.get(name)!;
      const endpoint = endpointOf(agent);
      expect(endpoint.listening.sort()).toEqual([nodeIPv4, nodeIPv6].sort());
      expect((await runCommand('ip', ['netns', 'pids', netns])).stdout.split('\n').map(Number)).toContain(endpoint.pid);
      for (const ip of [nodeIPv4, nodeIPv6]) {
        const res = await httpsGet(ip, KUBELET_PORT, servingCa);
        expect(res, `${name} at ${ip}`).toMatchObject({ status: 200, body: 'ok' });
        expect(normSerial(res.serial)).toBe(normSerial(agent.servingCertificate!.serialNumber));
      }
      // the cluster CA did not sign it: a client trusting only that one refuses
      await expect(httpsGet(nodeIPv6, KUBELET_PORT, pki('ca.crt'))).rejects.toThrow(/certificate/);
    }
  });

  it('swaps a rotated certificate into the listener inside the namespace without restarting it', async () => {
    const [name, { agent, clock }] = [...agents][0]!;
    const { nodeIPv4, nodeIPv6 } = networks.get(name)!;
    const before = agent.servingCertificate!.serialNumber;
    const pid = endpointOf(agent).pid;
    await clock.advance(agent.renewalDueInMs!);
    await new Wait({ what: `${name} to rotate its serving certificate`, timeoutMs: 15_000, intervalMs: 20 }).until(() => agent.servingCertificate!.serialNumber !== before);
    const after = normSerial(agent.servingCertificate!.serialNumber);
    await new Wait({ what: `the listener of ${name} to serve the rotated certificate`, timeoutMs: 5_000, intervalMs: 20 }).until(
      async () => normSerial((await httpsGet(nodeIPv4, KUBELET_PORT, pki('kubelet-serving-ca.crt'))).serial) === after,
    );
    expect(normSerial((await httpsGet(nodeIPv6, KUBELET_PORT, pki('kubelet-serving-ca.crt'))).serial)).toBe(after);
    expect(endpointOf(agent).pid).toBe(pid);
  });
});

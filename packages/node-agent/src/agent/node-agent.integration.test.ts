/**
 * Integration: node agents on real local clusters in IPv4, IPv6-only and
 * dual-stack, with the CSR approver. Every node TLS-bootstraps with a
 * bootstrap token, gets a serving certificate signed by the kubelet-serving
 * CA whose SANs are its addresses, serves HTTPS that verifies by IP (IPv6
 * included) where the address is bindable here, rotates when the injected
 * rotation clock reaches the jittered deadline, and re-requests at once when
 * the Node's addresses change. The client certificate rotates too, requested
 * with the current one; a rotation kube-controller-manager may not approve
 * (and an operator denies) keeps the working certificate and is retried.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificatesV1Api, CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { ApiError, FakeClock, Wait, allocatePort } from '@seedbed/core';
import { loadKubeConfig, type ClusterConfig, type ClusterInfo, type ShippedConfig } from '@seedbed/cluster';
import { LocalClusterFixture } from '@seedbed/cluster/testing';
import { CsrApprover, servingNames, type ApproverEvent } from '@seedbed/csr-approver';
import { bootstrapKubeConfig, createBootstrapToken } from '../bootstrap/bootstrap-token.ts';
import { CLIENT_PAIR_FILE, SERVER_PAIR_FILE, certificateNames, readPair } from '../certs/cert-store.ts';
import { closeRotationGate, denyPendingClientCsr, openRotationGate } from '../testing/client-rotation-gate.ts';
import { httpsGet, normSerial } from '../testing/https-get.ts';
import { CLIENT_RETRY_BACKOFF_MS } from './client-credentials.ts';
import { NodeAgent, type AgentEvent } from './node-agent.ts';

const OCTET = 100 + (process.pid % 100);
/** Bindable node addresses per family: 127.x.y.z on lo, ::1 for one node; the worker's IPv6 stays a kind-network address (not bindable here). */
function addressOverrides(shipped: ShippedConfig, config: ClusterConfig): Record<string, string[]> {
  const [cp, worker] = config.nodes.map((n) => n.name) as [string, string];
  const net = { ipv4: 1, ipv6: 2, 'dual-stack': 3 }[shipped as 'ipv4'] ?? 9;
  if (shipped === 'ipv4') return { [cp]: [`127.${OCTET}.${net}.2`], [worker]: [`127.${OCTET}.${net}.3`] };
  if (shipped === 'ipv6') return { [cp]: ['::1'] };
  return { [cp]: [`127.${OCTET}.${net}.2`, '::1'], [worker]: [`127.${OCTET}.${net}.3`, 'fc00:f853:ccd:e793::3'] };
}


describe.each<ShippedConfig>(['ipv4', 'ipv6', 'dual-stack'])('node agents on a local cluster from kind-configs/%s.yaml', (shipped) => {
  const fixture = new LocalClusterFixture();
  const work = mkdtempSync(join(tmpdir(), 'seedbed-agent-it-'));
  let config: ClusterConfig;
  let info: ClusterInfo;
  let approver: CsrApprover;
  let port: number;
  const approverEvents: ApproverEvent[] = [];
  const agents = new Map<string, { agent: NodeAgent; clock: FakeClock; events: AgentEvent[] }>();
  const pki = (file: string) => readFileSync(join(info.stateDir!, 'pki', file), 'utf8');
  const admin = () => loadKubeConfig(info.kubeconfigPath);

  beforeAll(async () => {
    const base = await fixture.config(shipped, `agent-${shipped}`);
    config = { ...base, nodeAddresses: addressOverrides(shipped, base) };
    info = await fixture.provider.create(config);
    approver = new CsrApprover({ kubeConfig: admin(), onEvent: (e) => approverEvents.push(e) });
    await approver.start();
    const token = await createBootstrapToken(admin(), { ttlMs: 3_600_000 });
    port = await allocatePort('127.0.0.1');
    for (const node of config.nodes) {
      const clock = new FakeClock();
      const events: AgentEvent[] = [];
      const agent = new NodeAgent({
        nodeName: node.name,
        bootstrapKubeConfig: bootstrapKubeConfig(admin(), token),
        certDir: join(work, node.name),
        port,
        rotationClock: clock,
        onEvent: (e) => events.push(e),
      });
      agents.set(node.name, { agent, clock, events });
    }
    await Promise.all([...agents.values()].map(({ agent }) => agent.start()));
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...agents.values()].map(({ agent }) => agent.stop()));
    await approver?.stop();
    await fixture.dispose();
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  const nodes = async (): Promise<V1Node[]> => (await admin().makeApiClient(CoreV1Api).listNode()).items;

  it('bootstraps every node to a client certificate for system:node:<name> signed by the cluster CA', async () => {
    const ca = new X509Certificate(pki('ca.crt'));
    for (const node of config.nodes) {
      const pair = await readPair(join(work, node.name), CLIENT_PAIR_FILE);
      expect(pair, node.name).toBeDefined();
      const cert = new X509Certificate(pair!.certPem);
      expect(cert.subject).toContain(`CN=system:node:${node.name}`);
      expect(cert.subject).toContain('O=system:nodes');
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(agents.get(node.name)!.events).toContainEqual(expect.objectContaining({ type: 'client-certificate', source: 'bootstrap' }));
    }
  });

  it("gives every node a serving certificate from the kubelet-serving CA whose SANs are exactly the node's names", async () => {
    const servingCa = new X509Certificate(pki('kubelet-serving-ca.crt'));
    const clusterCa = new X509Certificate(pki('ca.crt'));
    for (const node of await nodes()) {
      const name = node.metadata!.name!;
      const pair = await readPair(join(work, name), SERVER_PAIR_FILE);
      const cert = new X509Certificate(pair!.certPem);
      expect(cert.verify(servingCa.publicKey)).toBe(true);
      expect(cert.verify(clusterCa.publicKey)).toBe(false);
      expect(cert.subject).toContain(`CN=system:node:${name}`);
      const want = servingNames(node);
      expect(want.ipAddresses.length).toBe(config.families.length);
      expect(certificateNames(pair!.certPem)).toEqual(want);
      expect(want.ipAddresses).toEqual([...(config.nodeAddresses?.[name] ?? want.ipAddresses)].sort());
    }
    expect(approver.metrics.snapshot().denied).toEqual({});
  });

  it('serves HTTPS that verifies against the kubelet-serving CA by IP on every bindable address (IPv6 included)', async () => {
    const servingCa = pki('kubelet-serving-ca.crt');
    const checked: string[] = [];
    for (const [name, { agent }] of agents) {
      const listening = [...agent['endpoint']!.listening];
      for (const ip of listening) {
        const res = await httpsGet(ip, port, servingCa);
        expect(res).toMatchObject({ status: 200, body: 'ok' });
        expect(normSerial(res.serial)).toBe(normSerial(agent.servingCertificate!.serialNumber));
        checked.push(ip);
      }
      // the worker's kind-network IPv6 is not bindable here and is reported as such
      const unbindable = agents.get(name)!.events.filter((e) => e.type === 'listening').flatMap((e) => (e.type === 'listening' ? Object.keys(e.result.unbindable) : []));
      expect(unbindable.every((ip) => ip.startsWith('fc00:'))).toBe(true);
    }
    const expected = Object.values(config.nodeAddresses ?? {}).flat().filter((ip) => !ip.startsWith('fc00:'));
    expect(checked.sort()).toEqual(expected.sort());
    if (config.families.includes('ipv6')) expect(checked).toContain('::1');
    // a client trusting only the cluster CA refuses the kubelet's certificate
    await expect(httpsGet(checked[0]!, port, pki('ca.crt'))).rejects.toThrow(/certificate/);
  });

  it('rotates at the jittered 70–90% deadline of the rotation clock and serves the new certificate', async () => {
    const [name, { agent, clock }] = [...agents][0]!;
    const before = agent.servingCertificate!;
    const lifetime = before.notAfter - before.notBefore;
    const deadline = agent.nextRotationAt!;
    expect(deadline - before.notBefore).toBeGreaterThanOrEqual(0.7 * lifetime);
    expect(deadline - before.notBefore).toBeLessThanOrEqual(0.9 * lifetime);
    const dueIn = agent.renewalDueInMs!;
    expect(Math.abs(Date.now() + dueIn - deadline)).toBeLessThan(60_000);
    await clock.advance(dueIn - 1_000);
    expect(agent.servingCertificate!.serialNumber).toBe(before.serialNumber);
    await clock.advance(1_000);
    await new Wait({ what: `${name} to rotate its serving certificate`, timeoutMs: 15_000, intervalMs: 20 }).until(
      () => agent.servingCertificate!.serialNumber !== before.serialNumber,
    );
    const after = agent.servingCertificate!;
    expect(agents.get(name)!.events).toContainEqual(expect.objectContaining({ type: 'serving-certificate', cause: 'rotation', serialNumber: after.serialNumber }));
    const ip = agent['endpoint']!.listening[0]!;
    expect(normSerial((await httpsGet(ip, port, pki('kubelet-serving-ca.crt'))).serial)).toBe(normSerial(after.serialNumber));
    expect((await readPair(join(work, name), SERVER_PAIR_FILE))!.serialNumber).toBe(after.serialNumber);
  });

  it("re-requests at once when the node's addresses change", async () => {
    const [name, { agent }] = [...agents][1]!;
    const extra = config.families[0] === 'ipv6' ? 'fd00:5eed::13' : `127.${OCTET}.9.13`;
    const core = admin().makeApiClient(CoreV1Api);
    for (let attempt = 0; ; attempt++) {
      const node = await core.readNode({ name });
      node.status!.addresses = [...(node.status!.addresses ?? []), { type: 'ExternalIP', address: extra }];
      try {
        await core.replaceNodeStatus({ name, body: node });
        break;
      } catch (error) {
        if (attempt > 5 || (error as ApiError & { code?: number }).code !== 409) throw error;
      }
    }
    await new Wait({ what: `${name} to get a certificate for ${extra}`, timeoutMs: 15_000, intervalMs: 20 }).until(() =>
      certificateNames(agent.servingCertificate!.certPem).ipAddresses.includes(extra),
    );
    expect(agents.get(name)!.events).toContainEqual(expect.objectContaining({ type: 'serving-certificate', cause: 'addresses-changed' }));
    expect(approver.metrics.snapshot().denied).toEqual({});
    expect(approverEvents.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('bootstraps again with the bootstrap token when its client certificate has expired', async () => {
    const name = config.nodes[0]!.name;
    const clock = new FakeClock();
    const events: AgentEvent[] = [];
    let skewMs = 0;
    const agent = new NodeAgent({
      nodeName: name,
      bootstrapKubeConfig: bootstrapKubeConfig(admin(), await createBootstrapToken(admin(), { ttlMs: 3_600_000 })),
      certDir: join(work, `${name}-expiry`),
      port: await allocatePort('127.0.0.1'),
      rotationClock: clock,
      wallNow: () => Date.now() + skewMs,
      onEvent: (e) => events.push(e),
    });
    try {
      await agent.start();
      const before = agent.client.pair;
      // the node was off past its certificate's end: the first rotation attempt finds it expired
      skewMs = before.notAfter - Date.now() + 1_000;
      await clock.advance(agent.client.rotationDueInMs!);
      await new Wait({ what: `${name} to bootstrap a new client certificate`, timeoutMs: 15_000, intervalMs: 20 }).until(() => agent.client.pair.serialNumber !== before.serialNumber);
      const again = events.filter((e) => e.type === 'client-certificate' && e.source === 'bootstrap');
      expect(again).toHaveLength(2);
      const csr = await admin().makeApiClient(CertificatesV1Api).readCertificateSigningRequest({ name: (again[1] as { csrName: string }).csrName });
      expect(csr.spec.username).toMatch(/^system:bootstrap:/); // not the expired node certificate
      expect(new X509Certificate(agent.client.pair.certPem).subject).toContain(`CN=system:node:${name}`);
    } finally {
      await agent.stop();
    }
  });

  it('rotates the client certificate with the current one; a failed rotation keeps it and is retried with backoff', async () => {
    const [name, { agent, clock, events }] = [...agents][1]!;
    const before = agent.client.pair;
    const lifetime = before.notAfter - before.notBefore;
    expect(agent.client.nextRotationAt! - before.notBefore).toBeGreaterThanOrEqual(0.7 * lifetime);
    expect(agent.client.nextRotationAt! - before.notBefore).toBeLessThanOrEqual(0.9 * lifetime);

    // kube-controller-manager may not approve the node's own renewal, and an operator denies it
    await closeRotationGate(admin(), name);
    await clock.advance(agent.client.rotationDueInMs!);
    const denied = await denyPendingClientCsr(admin(), name);
    await new Wait({ what: `${name} to report the failed rotation`, timeoutMs: 15_000, intervalMs: 20 }).until(() => events.some((e) => e.type === 'client-rotation-failed'));
    expect(events.find((e) => e.type === 'client-rotation-failed')).toMatchObject({ retryInMs: CLIENT_RETRY_BACKOFF_MS, error: expect.objectContaining({ csrName: denied, reason: 'OperatorDenied' }) });
    expect(agent.client.rotationDueInMs).toBe(CLIENT_RETRY_BACKOFF_MS);
    expect(agent.client.pair.serialNumber).toBe(before.serialNumber);
    expect((await readPair(join(work, name), CLIENT_PAIR_FILE))!.serialNumber).toBe(before.serialNumber);
    expect((await agent.kubeConfig.makeApiClient(CoreV1Api).readNode({ name })).metadata!.name).toBe(name);

    // the retry, once renewals are approved again
    await openRotationGate(admin(), name);
    await clock.advance(CLIENT_RETRY_BACKOFF_MS);
    await new Wait({ what: `${name} to rotate its client certificate`, timeoutMs: 15_000, intervalMs: 20 }).until(() => agent.client.pair.serialNumber !== before.serialNumber);
    const after = agent.client.pair;
    const rotated = events.find((e) => e.type === 'client-certificate' && e.source === 'rotation');
    expect(rotated).toMatchObject({ serialNumber: after.serialNumber });
    const csr = await admin().makeApiClient(CertificatesV1Api).readCertificateSigningRequest({ name: (rotated as { csrName: string }).csrName });
    expect(csr.spec.username).toBe(`system:node:${name}`); // requested with the current certificate, not the bootstrap token
    expect(csr.status!.conditions).toContainEqual(expect.objectContaining({ type: 'Approved', reason: 'AutoApproved' }));
    const cert = new X509Certificate(after.certPem);
    expect(cert.subject).toContain(`CN=system:node:${name}`);
    expect(cert.verify(new X509Certificate(pki('ca.crt')).publicKey)).toBe(true);
    expect(cert.publicKey.export({ format: 'der', type: 'spki' })).not.toEqual(new X509Certificate(before.certPem).publicKey.export({ format: 'der', type: 'spki' }));
    expect((await readPair(join(work, name), CLIENT_PAIR_FILE))!.serialNumber).toBe(after.serialNumber);
    expect(Buffer.from(agent.kubeConfig.getCurrentUser()!.certData!, 'base64').toString()).toBe(after.certPem);

    // the agent goes on with the new certificate: its new Node watch sees an address change, the serving CSR is issued
    const serving = agent.servingCertificate!.serialNumber;
    const core = admin().makeApiClient(CoreV1Api);
    for (let attempt = 0; ; attempt++) {
      const node = await core.readNode({ name });
      node.status!.addresses = node.status!.addresses!.filter((a) => a.type !== 'ExternalIP');
      try {
        await core.replaceNodeStatus({ name, body: node });
        break;
      } catch (error) {
        if (attempt > 5 || (error as ApiError & { code?: number }).code !== 409) throw error;
      }
    }
    await new Wait({ what: `${name} to re-request its serving certificate`, timeoutMs: 15_000, intervalMs: 20 }).until(() => agent.servingCertificate!.serialNumber !== serving);
  });
});

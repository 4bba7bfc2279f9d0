/**
 * Integration: the in-process cert component on a real dual-stack local
 * cluster — the approver approves, kube-controller-manager signs with the
 * kubelet-serving CA, every node's certificate names exactly its addresses
 * (IPv4 and IPv6) and verifies against that CA; a rotation gives every node a
 * new serial; stopping the approver is heard at once; stop ends the agents.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificatesV1Api, CoreV1Api } from '@kubernetes/client-node';
import { allocatePort } from '@seedbed/core';
import { loadKubeConfig, type ClusterConfig, type ClusterInfo } from '@seedbed/cluster';
import { LocalClusterFixture } from '@seedbed/cluster/testing';
import { servingNames } from '@seedbed/csr-approver';
import { bootstrapKubeConfig, createBootstrapToken } from '@seedbed/node-agent';
import { InProcessKubeletCerts } from './in-process-kubelet-certs.ts';
import { nodeServingCertificates } from './serving-certificates.ts';

describe('InProcessKubeletCerts on a dual-stack local cluster', () => {
  const fixture = new LocalClusterFixture();
  const work = mkdtempSync(join(tmpdir(), 'seedbed-kubelet-certs-it-'));
  const id = 'shoot--it--certs';
  let config: ClusterConfig;
  let info: ClusterInfo;
  let certs: InProcessKubeletCerts;
  const heard: boolean[] = [];
  const admin = () => loadKubeConfig(info.kubeconfigPath);

  const held = async () => {
    const kc = admin();
    const nodes = (await kc.makeApiClient(CoreV1Api).listNode()).items;
    const csrs = (await kc.makeApiClient(CertificatesV1Api).listCertificateSigningRequest()).items;
    return { nodes, csrs, serving: nodeServingCertificates(csrs, nodes.map((n) => n.metadata!.name!)) };
  };

  beforeAll(async () => {
    config = await fixture.config('dual-stack', 'kubelet-certs');
    info = await fixture.provider.create(config);
    certs = new InProcessKubeletCerts({ port: await allocatePort('127.0.0.1') });
    certs.watchApprover(id, (running) => heard.push(running));
    const token = await createBootstrapToken(admin(), { ttlMs: 3_600_000 });
    writeFileSync(join(work, 'bootstrap-kubeconfig'), bootstrapKubeConfig(admin(), token).exportConfig());
  }, 180_000);

  afterAll(async () => {
    await certs?.stopAll();
    await fixture.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('issues every node a serving certificate with exactly its addresses, signed by the kubelet-serving CA', async () => {
    await certs.startApprover(id, info.kubeconfigPath);
    expect(certs.approverRunning(id)).toBe(true);
    await certs.startAgents(id, { nodes: config.nodes.map((n) => n.name), bootstrapKubeconfig: join(work, 'bootstrap-kubeconfig'), certDir: (node) => join(work, node) });
    const { nodes, csrs, serving } = await held();
    const ca = new X509Certificate(readFileSync(join(info.stateDir!, 'pki', 'kubelet-serving-ca.crt')));
    for (const node of nodes) {
      const n = serving.find((s) => s.node === node.metadata!.name)!;
      const want = servingNames(node);
      expect(n.current?.sans).toEqual([...want.dnsNames, ...want.ipAddresses]);
      expect(want.ipAddresses.some((ip) => ip.includes(':'))).toBe(true);
      const csr = csrs.find((c) => c.metadata?.name === n.current!.csr)!;
      expect(csr.status?.conditions?.find((c) => c.type === 'Approved')?.reason).toBe('SeedbedKubeletServingApproved');
      const cert = new X509Certificate(Buffer.from(csr.status!.certificate!, 'base64'));
      expect(cert.verify(ca.publicKey)).toBe(true);
      for (const ip of want.ipAddresses) expect(cert.checkIP(ip)).toBe(ip);
    }
  });

  it('rotates: every node gets a new serial from a new CSR', async () => {
    const before = (await held()).serving;
    await certs.rotate(id);
    const after = (await held()).serving;
    for (const n of after) {
      const old = before.find((b) => b.node === n.node)!;
      expect(n.current!.serialNumber).not.toBe(old.current!.serialNumber);
      expect(n.current!.csr).not.toBe(old.current!.csr);
      expect(n.issued).toBe(old.issued + 1);
    }
  });

  it('reports the approver stopping at once, and stops the agents', async () => {
    heard.length = 0;
    await certs.stopApprover(id);
    expect(heard).toEqual([false]);
    expect(certs.approverRunning(id)).toBe(false);
    await certs.stop(id);
    expect(certs.agentsRunning(id)).toBe(false);
    await expect(certs.rotate(id)).rejects.toThrow(/runs no node agents/);
  });
});

/**
 * Steps for the cert component: every node of a shoot holds a kubelet
 * serving certificate from an Approved CSR, naming exactly the node's
 * addresses and verifying against the shoot's kubelet-serving CA by IP
 * (IPv6 included); a rotation gives every node a new serial while the shoot
 * stays at 100% with all conditions True; stopping the shoot's approver;
 * forged CSRs, created with a node's own identity (a client certificate the
 * shoot's CA signed for system:node:<name>) or by another user, denied with
 * the approver's reason.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CertificatesV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig } from '@seedbed/cluster';
import { SeedbedError } from '@seedbed/core';
import { KUBELET_SERVING_SIGNER, KUBELET_SERVING_USAGES, NODES_GROUP, buildCertificateRequest, nodeUser, servingNames, type RequestSpec } from '@seedbed/csr-approver';
import { identityKubeConfig } from '@seedbed/csr-approver/testing';
import { CertificateRefusedError, requestCertificate } from '@seedbed/node-agent';
import {
  OPERATION_ANNOTATION,
  ROTATE_KUBELET_SERVING_OPERATION,
  ShootRuntimeStore,
  nodeServingCertificates,
  servingProblem,
  shootTechnicalId,
  type NodeCertificateStatus,
} from '@seedbed/gardenlet';
import { shootPath, type Shoot } from '@seedbed/gardener-api';
import { summarize } from './expectations.ts';
import { PROJECT_NAMESPACE } from './shoot-manifests.ts';
import type { Step, StepContext } from './steps.ts';

export const ROTATION_TIMEOUT_MS = 30_000;

/** The shoot's technical ID, runtime directory and admin kubeconfig. */
function shootAccess(ctx: StepContext, name: string): { id: string; dir: string; kc: KubeConfig } {
  const shoot = ctx.watcher.get(PROJECT_NAMESPACE, name);
  if (!shoot) throw new SeedbedError('STEP_FAILED', `shoot ${name} does not exist`);
  const runtime = new ShootRuntimeStore(`${ctx.landscape.directory}/gardenlet`);
  const id = shootTechnicalId(shoot);
  const admin = runtime.read(id)?.adminKubeconfig;
  if (!admin) throw new SeedbedError('STEP_FAILED', `shoot ${name} has no running control plane (no admin kubeconfig in ${runtime.dir(id)})`);
  return { id, dir: runtime.dir(id), kc: loadKubeConfig(admin) };
}

const serialsKey = (name: string) => `${name}.kubeletServingSerials`;

export const expectKubeletServingCertificates = (name: string): Step => ({
  title: `every node of shoot ${name} holds an approved kubelet serving certificate naming exactly its addresses, verified against the shoot's kubelet-serving CA by IP`,
  run: async (ctx) => {
    const { dir, kc } = shootAccess(ctx, name);
    const nodes = (await kc.makeApiClient(CoreV1Api).listNode()).items;
    const csrs = (await kc.makeApiClient(CertificatesV1Api).listCertificateSigningRequest()).items;
    const ca = new X509Certificate(readFileSync(join(dir, 'pki', 'kubelet-serving-ca.crt')));
    const serving = nodeServingCertificates(csrs, nodes.map((n) => n.metadata!.name!));
    const problems: string[] = [];
    const serials: Record<string, string> = {};
    const checkedIps: string[] = [];
    for (const node of nodes) {
      const nodeName = node.metadata!.name!;
      const held = serving.find((s) => s.node === nodeName)!;
      if (!held.current) {
        problems.push(`${nodeName}: ${servingProblem(held, Date.now())}`);
        continue;
      }
      const csr = csrs.find((c) => c.metadata?.name === held.current!.csr)!;
      if (!csr.status?.conditions?.some((c) => c.type === 'Approved' && c.status === 'True')) problems.push(`${nodeName}: CSR ${held.current.csr} carries a certificate but no Approved condition`);
      const want = servingNames(node);
      const wanted = [...want.dnsNames, ...want.ipAddresses];
      if (JSON.stringify(held.current.sans) !== JSON.stringify(wanted)) problems.push(`${nodeName}: SANs [${held.current.sans.join(', ')}] instead of exactly [${wanted.join(', ')}]`);
      const cert = new X509Certificate(Buffer.from(csr.status!.certificate!, 'base64'));
      if (!cert.verify(ca.publicKey)) problems.push(`${nodeName}: certificate ${cert.serialNumber} is not signed by the shoot's kubelet-serving CA (${ca.subject})`);
      for (const ip of want.ipAddresses) {
        if (cert.checkIP(ip) === undefined) problems.push(`${nodeName}: certificate does not verify for IP ${ip}`);
        else checkedIps.push(ip);
      }
      serials[nodeName] = cert.serialNumber;
    }
    if (nodes.length === 0) problems.push('the shoot has no nodes');
    if (problems.length) throw new SeedbedError('EXPECTATION_FAILED', `shoot ${name}: ${problems.join('; ')}`);
    ctx.facts[serialsKey(name)] = serials;
    ctx.facts[`${name}.verifiedIps`] = checkedIps;
  },
});

/** Requests a rotation and waits for a new serial on every node, failing if the shoot leaves 100% or a condition leaves True meanwhile. */
export const rotateKubeletServingCertificates = (name: string, timeoutMs = ROTATION_TIMEOUT_MS): Step => ({
  title: `rotate the kubelet serving certificates of shoot ${name}: every node gets a new serial, the shoot stays at 100% with all conditions True`,
  run: async (ctx) => {
    const before = ctx.facts[serialsKey(name)] as Record<string, string> | undefined;
    if (!before) throw new SeedbedError('STEP_FAILED', `no serials of shoot ${name} recorded`, { hint: 'run expectKubeletServingCertificates before rotating' });
    const started = ctx.clock.now();
    await ctx.landscape.raw.patch(shootPath(PROJECT_NAMESPACE, name), {
      metadata: { annotations: { [OPERATION_ANNOTATION]: ROTATE_KUBELET_SERVING_OPERATION } },
    });
    let violation: string | undefined;
    const rotated = (shoot: Shoot | undefined) => {
      const op = shoot?.status?.lastOperation;
      if (op && (op.progress !== 100 || op.state !== 'Succeeded')) violation ??= `the shoot left 100%: ${summarize(shoot)}`;
      const notTrue = (shoot?.status?.conditions ?? []).filter((c) => c.status !== 'True');
      if (notTrue.length) violation ??= `conditions left True: ${notTrue.map((c) => `${c.type}=${c.status} (${c.message})`).join('; ')}`;
      const status = (shoot?.status as { kubeletServingCertificates?: { nodes?: NodeCertificateStatus[]; lastRotation?: { error?: string } } } | undefined)?.kubeletServingCertificates;
      if (status?.lastRotation?.error) violation ??= `the rotation failed: ${status.lastRotation.error}`;
      const nodes = status?.nodes ?? [];
      const done = Object.keys(before).every((n) => {
        const now = nodes.find((s) => s.name === n)?.serialNumber;
        return now !== undefined && now !== before[n];
      });
      return violation !== undefined || done;
    };
    await ctx.watcher.waitFor(PROJECT_NAMESPACE, name, 'every node to hold a new serving certificate', timeoutMs, rotated, summarize);
    if (violation) throw new SeedbedError('EXPECTATION_FAILED', `shoot ${name}: ${violation}`);
    ctx.facts[`${name}.rotation.ms`] = Math.round(ctx.clock.now() - started);
    ctx.facts[`${name}.serialsBeforeRotation`] = before;
  },
});

/** Every serial differs from the one recorded before the rotation (run after expectKubeletServingCertificates re-read them). */
export const expectNewSerials = (name: string): Step => ({
  title: `every node of shoot ${name} serves with a new serial`,
  run: async (ctx) => {
    const before = ctx.facts[`${name}.serialsBeforeRotation`] as Record<string, string> | undefined;
    const now = ctx.facts[serialsKey(name)] as Record<string, string> | undefined;
    if (!before || !now) throw new SeedbedError('STEP_FAILED', `no rotation of shoot ${name} recorded`);
    const same = Object.keys(before).filter((n) => now[n] === before[n]);
    if (same.length) throw new SeedbedError('EXPECTATION_FAILED', `nodes kept their serial: ${same.map((n) => `${n} ${before[n]}`).join(', ')}`);
  },
});

/** Stops the shoot's CSR approver (as if its process died). */
export const stopCsrApprover = (name: string): Step => ({
  title: `stop the CSR approver of shoot ${name}`,
  run: async (ctx) => {
    const { id } = shootAccess(ctx, name);
    if (!ctx.landscape.gardenlet.kubeletCerts.approverRunning(id)) throw new SeedbedError('STEP_FAILED', `shoot ${name} runs no CSR approver`);
    await ctx.landscape.gardenlet.kubeletCerts.stopApprover(id);
  },
});

export const FORGED_CSR_TIMEOUT_MS = 15_000;

/** Forges kubelet serving CSRs in a shoot with ≥ 2 nodes: each is denied with the expected reason; a valid one is approved and issued. */
export const expectForgedCsrsDenied = (name: string): Step => ({
  title: `forged kubelet serving CSRs in shoot ${name} (extra DNS name, another node's IP, system:masters, a requestor that is not the node) are denied with the reason named; a valid one is approved`,
  run: async (ctx) => {
    const { dir, kc } = shootAccess(ctx, name);
    const nodes = (await kc.makeApiClient(CoreV1Api).listNode()).items;
    if (nodes.length < 2) throw new SeedbedError('STEP_FAILED', `shoot ${name} has ${nodes.length} node(s); forging another node's IP needs two`);
    const [node, other] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const nodeName = node.metadata!.name!;
    const own = servingNames(node);
    const asNode = await identityKubeConfig(dir, kc.getCurrentCluster()!.server, nodeUser(nodeName), [NODES_GROUP]);
    const valid: RequestSpec = { commonName: nodeUser(nodeName), organizations: [NODES_GROUP], dnsNames: own.dnsNames, ipAddresses: own.ipAddresses };
    const cases: Array<{ what: string; as: KubeConfig; spec: RequestSpec; reason?: string }> = [
      { what: 'an extra DNS name', as: asNode, spec: { ...valid, dnsNames: [...own.dnsNames, 'api.evil.example'] }, reason: 'DnsSanMismatch' },
      { what: "another node's IP", as: asNode, spec: { ...valid, ipAddresses: [...own.ipAddresses, servingNames(other).ipAddresses[0]!] }, reason: 'IpSanMismatch' },
      { what: 'system:masters', as: asNode, spec: { ...valid, organizations: [NODES_GROUP, 'system:masters'] }, reason: 'OrganizationMismatch' },
      { what: 'a requestor that is not the node', as: kc, spec: valid, reason: 'NotNodeRequestor' },
      { what: 'a valid request', as: asNode, spec: valid },
    ];
    const problems: string[] = [];
    const outcomes: Record<string, string> = {};
    for (const c of cases) {
      const { csrPem } = await buildCertificateRequest(c.spec);
      const outcome = await requestCertificate(c.as, { signerName: KUBELET_SERVING_SIGNER, csrPem, usages: [...KUBELET_SERVING_USAGES], timeoutMs: FORGED_CSR_TIMEOUT_MS }).then(
        (issued) => ({ issued: issued.csrName }),
        (error: unknown) => {
          if (error instanceof CertificateRefusedError) return { refused: error };
          throw error;
        },
      );
      if ('issued' in outcome) {
        outcomes[c.what] = `approved (${outcome.issued})`;
        if (c.reason) problems.push(`${c.what}: CSR ${outcome.issued} was approved, expected a denial with ${c.reason}`);
      } else {
        outcomes[c.what] = `${outcome.refused.condition} ${outcome.refused.reason} (${outcome.refused.csrName})`;
        if (!c.reason) problems.push(`${c.what}: ${outcome.refused.message}`);
        else if (outcome.refused.reason !== c.reason) problems.push(`${c.what}: denied with ${outcome.refused.reason} instead of ${c.reason}: ${outcome.refused.message}`);
      }
    }
    ctx.facts[`${name}.forgedCsrs`] = outcomes;
    if (problems.length) throw new SeedbedError('EXPECTATION_FAILED', `shoot ${name}: ${problems.join('; ')}`);
  },
});

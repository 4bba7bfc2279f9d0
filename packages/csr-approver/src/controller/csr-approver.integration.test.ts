/**
 * Integration: the approver against a real local dual-stack cluster and a
 * corpus of forged kubelet serving CSRs, each submitted by an identity the
 * API server authenticated (client certificates signed by the cluster CA),
 * each denied with the reason naming the failed check; valid CSRs (IPv4-mapped
 * IPv6 spellings included) are approved and issued by kube-controller-manager.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificatesV1Api, CoreV1Api, FlowcontrolApiserverV1Api, RbacAuthorizationV1Api, type KubeConfig, type V1CertificateSigningRequest, type V1Node } from '@kubernetes/client-node';
import { ApiError, Wait } from '@seedbed/core';
import { callApi, loadKubeConfig, type ClusterInfo } from '@seedbed/cluster';
import { LocalClusterFixture } from '@seedbed/cluster/testing';
import { buildCertificateRequest, type RequestSpec } from '../csr/request-builder.ts';
import { KUBELET_SERVING_SIGNER, KUBELET_SERVING_USAGES, servingNames } from '../csr/kubelet-serving.ts';
import { resolvePolicy } from '../decision/approval-policy.ts';
import { approverFlowControl } from '../flowcontrol/approver-flow-control.ts';
import { approverRbac } from '../rbac/approver-rbac.ts';
import { classifiedFlowSchema } from '../testing/apiserver-metrics.ts';
import { identityKubeConfig } from '../testing/cluster-identity.ts';
import { CsrApprover, type ApproverEvent } from './csr-approver.ts';

const MAX_EXPIRATION = 3600;
const fixture = new LocalClusterFixture();
let info: ClusterInfo;
let approver: CsrApprover;
let nodes: V1Node[];
const events: ApproverEvent[] = [];
const identities = new Map<string, KubeConfig>();
/** CSRs submitted with a valid spec by the node itself. */
const validNames: string[] = [];

beforeAll(async () => {
  info = await fixture.provider.create(await fixture.config('dual-stack', 'csr-forgery'));
  const admin = loadKubeConfig(info.kubeconfigPath);
  nodes = (await admin.makeApiClient(CoreV1Api).listNode()).items.sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
  // identities that may create CSRs (as the API server sees them) without being nodes
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: 'test:csr-creators' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-bootstrapper' },
      subjects: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'mallory' },
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'tenants' },
      ],
    },
  });
  approver = new CsrApprover({ kubeConfig: admin, policy: resolvePolicy({ maxExpirationSeconds: MAX_EXPIRATION }), onEvent: (e) => events.push(e) });
  await approver.start();
}, 120_000);
afterAll(async () => {
  await approver?.stop();
  await fixture.dispose();
}, 60_000);

async function as(user: string, groups: string[]): Promise<KubeConfig> {
  const key = `${user}|${groups.join(',')}`;
  if (!identities.has(key)) identities.set(key, await identityKubeConfig(info.stateDir!, info.server, user, groups));
  return identities.get(key)!;
}

const nodeA = () => nodes[0]!;
const nodeB = () => nodes[1]!;
const nameOf = (n: V1Node) => n.metadata!.name!;
const validSpec = (node: V1Node): RequestSpec => ({
  commonName: `system:node:${nameOf(node)}`,
  organizations: ['system:nodes'],
  ...servingNames(node),
});

async function submit(kc: KubeConfig, spec: RequestSpec, extra: { usages?: string[]; expirationSeconds?: number } = {}): Promise<V1CertificateSigningRequest> {
  const { csrPem } = await buildCertificateRequest(spec);
  const api = kc.makeApiClient(CertificatesV1Api);
  const created = await callApi('create CSR', () =>
    api.createCertificateSigningRequest({
      body: {
        metadata: { generateName: 'forgery-' },
        spec: { request: Buffer.from(csrPem).toString('base64'), signerName: KUBELET_SERVING_SIGNER, usages: extra.usages ?? [...KUBELET_SERVING_USAGES], expirationSeconds: extra.expirationSeconds },
      },
    }),
  );
  const admin = loadKubeConfig(info.kubeconfigPath).makeApiClient(CertificatesV1Api);
  let last = created;
  await new Wait({ what: `a decision on CSR ${created.metadata!.name}`, timeoutMs: 15_000, intervalMs: 25 }).until(async () => {
    last = await admin.readCertificateSigningRequest({ name: created.metadata!.name! });
    const conditions = last.status?.conditions ?? [];
    return conditions.some((c) => c.type === 'Denied') || (conditions.some((c) => c.type === 'Approved') && !!last.status?.certificate);
  });
  return last;
}

const verdict = (csr: V1CertificateSigningRequest) => {
  const c = csr.status?.conditions?.find((x) => x.type === 'Denied' || x.type === 'Approved');
  return { type: c?.type, reason: c?.reason, message: c?.message ?? '' };
};

describe('CSR approver against a real dual-stack cluster', () => {
  it('approves a valid CSR from the node and kube-controller-manager issues it', async () => {
    const csr = await submit(await as(`system:node:${nameOf(nodeA())}`, ['system:nodes']), validSpec(nodeA()));
    validNames.push(csr.metadata!.name!);
    expect(verdict(csr)).toMatchObject({ type: 'Approved', reason: 'SeedbedKubeletServingApproved' });
    expect(csr.status?.certificate).toBeTruthy();
  });

  it('approves a valid CSR whose IPv4 addresses are written as IPv4-mapped IPv6', async () => {
    const spec = validSpec(nodeA());
    spec.ipAddresses = spec.ipAddresses!.map((ip) => (ip.includes(':') ? ip : `::ffff:${ip}`));
    expect(spec.ipAddresses.some((ip) => ip.startsWith('::ffff:'))).toBe(true);
    const csr = await submit(await as(`system:node:${nameOf(nodeA())}`, ['system:nodes']), spec);
    validNames.push(csr.metadata!.name!);
    expect(verdict(csr)).toMatchObject({ type: 'Approved' });
  });

  it.each<[string, () => Promise<[KubeConfig, RequestSpec, { usages?: string[]; expirationSeconds?: number }?]>, string]>([
    ['a DNS SAN node-a.evil.example', async () => {
      const s = validSpec(nodeA());
      return [await as(`system:node:${nameOf(nodeA())}`, ['system:nodes']), { ...s, dnsNames: [...s.dnsNames!, `${nameOf(nodeA())}.evil.example`] }];
    }, 'DnsSanMismatch'],
    ["an IP of another node", async () => {
      const s = validSpec(nodeA());
      return [await as(`system:node:${nameOf(nodeA())}`, ['system:nodes']), { ...s, ipAddresses: [...s.ipAddresses!, servingNames(nodeB()).ipAddresses[0]!] }];
    }, 'IpSanMismatch'],
    ['DNS names only', async () => [await as(`system:node:${nameOf(nodeA())}`, ['system:nodes']), { ...validSpec(nodeA()), ipAddresses: [] }], 'IpSanMismatch'],
    ['O [system:nodes, system:masters]', async () => [await as(`system:node:${nameOf(nodeA())}`, ['system:nodes']), { ...validSpec(nodeA()), organizations: ['system:nodes', 'system:masters'] }], 'OrganizationMismatch'],
    ['a client auth usage', async () => [await as(`system:node:${nameOf(nodeA())}`, ['system:nodes']), validSpec(nodeA()), { usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'] }], 'UsagesMismatch'],
    ['a requestor that is not the node', async () => [await as('mallory', ['system:authenticated-users']), validSpec(nodeA())], 'NotNodeRequestor'],
    ['a node-named requestor outside system:nodes', async () => [await as(`system:node:${nameOf(nodeA())}`, ['tenants']), validSpec(nodeA())], 'NotNodeRequestor'],
    ['a node that does not exist', async () => [await as('system:node:ghost', ['system:nodes']), { commonName: 'system:node:ghost', organizations: ['system:nodes'], dnsNames: ['ghost'], ipAddresses: ['172.18.0.99'] }], 'NodeNotFound'],
    ['an expiration above the maximum', async () => [await as(`system:node:${nameOf(nodeA())}`, ['system:nodes']), validSpec(nodeA()), { expirationSeconds: MAX_EXPIRATION + 1 }], 'ExpirationTooLong'],
    ['an email SAN', async () => [await as(`system:node:${nameOf(nodeA())}`, ['system:nodes']), { ...validSpec(nodeA()), emails: ['root@example.com'] }], 'ForbiddenSanType'],
  ])('denies %s', async (_name, build, reason) => {
    const [kc, spec, extra] = await build();
    const csr = await submit(kc, spec, extra);
    expect(verdict(csr)).toMatchObject({ type: 'Denied', reason });
    expect(verdict(csr).message).toContain(`${reason}: `);
    expect(csr.status?.certificate).toBeFalsy();
  });

  it('a CN that differs from the requestor: refused by the API server for node identities, denied for others', async () => {
    // kube-apiserver (1.36) itself refuses node CSRs whose CN is another node; the approver's
    // CommonNameMismatch rule is the second line (unit-tested in decide.test.ts)
    const node = (await as(`system:node:${nameOf(nodeB())}`, ['system:nodes'])).makeApiClient(CertificatesV1Api);
    const { csrPem } = await buildCertificateRequest(validSpec(nodeA()));
    const refused = await callApi('create CSR', () =>
      node.createCertificateSigningRequest({ body: { metadata: { generateName: 'forgery-' }, spec: { request: Buffer.from(csrPem).toString('base64'), signerName: KUBELET_SERVING_SIGNER, usages: [...KUBELET_SERVING_USAGES] } } }),
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).message).toMatch(/HTTP 403.*can only create a node CSR with CN=system:node:/);
    const csr = await submit(await as('mallory', ['system:authenticated-users']), validSpec(nodeA()));
    expect(verdict(csr)).toMatchObject({ type: 'Denied', reason: 'NotNodeRequestor' });
    expect(verdict(csr).message).toContain('CommonNameMismatch: ');
  });

  it('survives garbage PEM: the API server refuses it, and the approver keeps approving', async () => {
    const api = (await as('mallory', [])).makeApiClient(CertificatesV1Api);
    const garbage = Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nnot-a-csr\n-----END CERTIFICATE REQUEST-----\n').toString('base64');
    const error = await callApi('create garbage CSR', () =>
      api.createCertificateSigningRequest({ body: { metadata: { generateName: 'garbage-' }, spec: { request: garbage, signerName: KUBELET_SERVING_SIGNER, usages: [...KUBELET_SERVING_USAGES] } } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).statusCode).toBe(422);
    const csr = await submit(await as(`system:node:${nameOf(nodeB())}`, ['system:nodes']), validSpec(nodeB()));
    validNames.push(csr.metadata!.name!);
    expect(verdict(csr).type).toBe('Approved');
  });

  it('never denied a valid CSR and counted every decision by reason', () => {
    const denied = events.flatMap((e) => (e.type === 'decided' && e.decision.action === 'deny' ? [e.csr] : []));
    expect(validNames).toHaveLength(3);
    expect(denied.filter((name) => validNames.includes(name))).toEqual([]);
    const snapshot = approver.metrics.snapshot();
    expect(snapshot.approved).toBe(3);
    expect(snapshot.denied).toEqual({ DnsSanMismatch: 1, IpSanMismatch: 2, OrganizationMismatch: 1, UsagesMismatch: 1, NotNodeRequestor: 3, NodeNotFound: 1, ExpirationTooLong: 1, ForbiddenSanType: 1 });
    expect(approver.metrics.render()).toContain('seedbed_csr_approver_decisions_total{decision="denied",reason="NodeNotFound"} 1');
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('works as its own user with only its RBAC, its requests in a priority level of its own (API Priority and Fairness)', async () => {
    await approver.stop(); // the admin one; from here on only the deployed identity decides
    const admin = loadKubeConfig(info.kubeconfigPath);
    const subject = { kind: 'User' as const, name: 'seedbed:csr-approver' };
    const [role, binding] = approverRbac(subject);
    await admin.makeApiClient(RbacAuthorizationV1Api).createClusterRole({ body: role });
    await admin.makeApiClient(RbacAuthorizationV1Api).createClusterRoleBinding({ body: binding });
    const [level, schema] = approverFlowControl(subject);
    const flowcontrol = admin.makeApiClient(FlowcontrolApiserverV1Api);
    await flowcontrol.createPriorityLevelConfiguration({ body: level });
    const uid = (await flowcontrol.createFlowSchema({ body: schema })).metadata!.uid;
    const identity = await as('seedbed:csr-approver', []);
    expect(await classifiedFlowSchema(identity, '/apis/certificates.k8s.io/v1/certificatesigningrequests?limit=1')).toBe(uid);
    const deployed = new CsrApprover({ kubeConfig: identity, policy: resolvePolicy({ maxExpirationSeconds: MAX_EXPIRATION }) });
    await deployed.start();
    try {
      const csr = await submit(await as(`system:node:${nameOf(nodeB())}`, ['system:nodes']), validSpec(nodeB()));
      expect(verdict(csr)).toMatchObject({ type: 'Approved', reason: 'SeedbedKubeletServingApproved' });
      expect(csr.status?.certificate).toBeTruthy();
      const forged = await submit(await as(`system:node:${nameOf(nodeB())}`, ['system:nodes']), { ...validSpec(nodeB()), dnsNames: ['evil.example'] });
      expect(verdict(forged)).toMatchObject({ type: 'Denied', reason: 'DnsSanMismatch' });
      expect(deployed.metrics.snapshot().errors).toEqual({});
    } finally {
      await deployed.stop();
    }
  });
});

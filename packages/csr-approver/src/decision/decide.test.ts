import { beforeAll, describe, expect, it } from 'vitest';
import type { V1CertificateSigningRequest, V1Node } from '@kubernetes/client-node';
import { buildCertificateRequest, generateKey, type RequestSpec } from '../csr/request-builder.ts';
import { KUBELET_SERVING_SIGNER, KUBELET_SERVING_USAGES } from '../csr/kubelet-serving.ts';
import { resolvePolicy, DEFAULT_POLICY } from './approval-policy.ts';
import { decide, type Decision } from './decide.ts';

const node = (name: string, addresses: Array<[string, string]>): V1Node => ({
  metadata: { name },
  status: { addresses: addresses.map(([type, address]) => ({ type, address })) },
});
const nodeA = node('node-a', [['InternalIP', '172.18.0.2'], ['InternalIP', 'fc00:f853:ccd:e793::2'], ['ExternalIP', '192.0.2.10'], ['Hostname', 'node-a'], ['InternalDNS', 'node-a.internal']]);
const valid: RequestSpec = {
  commonName: 'system:node:node-a',
  organizations: ['system:nodes'],
  dnsNames: ['node-a', 'node-a.internal'],
  ipAddresses: ['172.18.0.2', 'fc00:f853:ccd:e793::2', '192.0.2.10'],
};
let keyPem: string;
beforeAll(async () => void (keyPem = await generateKey()));

async function csr(spec: Partial<RequestSpec> = {}, overrides: Partial<V1CertificateSigningRequest['spec']> = {}): Promise<V1CertificateSigningRequest> {
  const { csrPem } = await buildCertificateRequest({ ...valid, keyPem, ...spec });
  return {
    metadata: { name: 'csr-1' },
    spec: {
      request: Buffer.from(csrPem).toString('base64'),
      signerName: KUBELET_SERVING_SIGNER,
      usages: [...KUBELET_SERVING_USAGES],
      username: 'system:node:node-a',
      groups: ['system:nodes', 'system:authenticated'],
      ...overrides,
    },
  };
}
const reasonOf = (d: Decision) => (d.action === 'deny' ? d.reason : d.action);

describe('decide: kubelet serving CSRs', () => {
  it('approves what a kubelet sends: node requestor, CN, O, every address, kubelet usages', async () => {
    const d = decide(await csr(), nodeA, DEFAULT_POLICY);
    expect(d).toMatchObject({ action: 'approve', reason: 'SeedbedKubeletServingApproved' });
  });

  it('approves SANs in any order, DNS in any case, IPs in any spelling (IPv4-mapped IPv6, uncompressed IPv6)', async () => {
    const spec = { dnsNames: ['NODE-A.internal', 'node-a'], ipAddresses: ['::ffff:192.0.2.10', 'fc00:f853:0ccd:e793:0:0:0:2', '::ffff:ac12:2'] };
    expect(reasonOf(decide(await csr(spec), nodeA, DEFAULT_POLICY))).toBe('approve');
  });

  it('approves the ECDSA kubelet usage set (no key encipherment)', async () => {
    expect(reasonOf(decide(await csr({}, { usages: ['server auth', 'digital signature'] }), nodeA, DEFAULT_POLICY))).toBe('approve');
  });

  it.each<[string, Partial<RequestSpec>, Partial<V1CertificateSigningRequest['spec']>, string]>([
    ['a foreign DNS name', { dnsNames: ['node-a', 'node-a.internal', 'node-a.evil.example'] }, {}, 'DnsSanMismatch'],
    ['a missing DNS name', { dnsNames: ['node-a'] }, {}, 'DnsSanMismatch'],
    ["another node's IP", { ipAddresses: [...valid.ipAddresses!, '172.18.0.3'] }, {}, 'IpSanMismatch'],
    ['DNS names only', { ipAddresses: [] }, {}, 'IpSanMismatch'],
    ['O with system:masters', { organizations: ['system:nodes', 'system:masters'] }, {}, 'OrganizationMismatch'],
    ['no O', { organizations: [] }, {}, 'OrganizationMismatch'],
    ['a client auth usage', {}, { usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'] }, 'UsagesMismatch'],
    ['duplicate usages', {}, { usages: ['digital signature', 'server auth', 'server auth'] }, 'UsagesMismatch'],
    ['a requestor that is not a node', {}, { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] }, 'NotNodeRequestor'],
    ['a node user outside system:nodes', {}, { groups: ['system:authenticated'] }, 'NotNodeRequestor'],
    ['a CN other than the requestor', { commonName: 'system:node:node-b' }, {}, 'CommonNameMismatch'],
    ['an email SAN', { emails: ['root@node-a'] }, {}, 'ForbiddenSanType'],
    ['a URI SAN', { uris: ['spiffe://cluster/node-a'] }, {}, 'ForbiddenSanType'],
    ['an expiration above the maximum', {}, { expirationSeconds: DEFAULT_POLICY.maxExpirationSeconds + 1 }, 'ExpirationTooLong'],
  ])('denies %s', async (_name, spec, overrides, reason) => {
    const d = decide(await csr(spec, overrides), nodeA, DEFAULT_POLICY);
    expect(d.action).toBe('deny');
    expect(reasonOf(d)).toBe(reason);
    if (d.action === 'deny') expect(d.message).toContain(`${reason}: `);
  });

  it('denies a node that does not exist', async () => {
    const d = decide(await csr({ commonName: 'system:node:ghost' }, { username: 'system:node:ghost' }), undefined, DEFAULT_POLICY);
    expect(d).toMatchObject({ action: 'deny', reason: 'NodeNotFound', message: expect.stringContaining('node "ghost" does not exist') });
  });

  it('accepts an expiration at the maximum and none at all', async () => {
    expect(reasonOf(decide(await csr({}, { expirationSeconds: DEFAULT_POLICY.maxExpirationSeconds }), nodeA, DEFAULT_POLICY))).toBe('approve');
    expect(reasonOf(decide(await csr({}, { expirationSeconds: undefined }), nodeA, DEFAULT_POLICY))).toBe('approve');
  });

  it('enforces the IP-prefix allow list when one is set', async () => {
    const narrow = resolvePolicy({ allowedPrefixes: ['172.18.0.0/16', 'fc00:f853:ccd:e793::/64'] });
    const d = decide(await csr(), nodeA, narrow);
    expect(d).toMatchObject({ action: 'deny', reason: 'IpNotAllowed', message: expect.stringContaining('192.0.2.10') });
    const wide = resolvePolicy({ allowedPrefixes: ['172.18.0.0/16', '192.0.2.0/24', 'fc00:f853:ccd:e793::/64'] });
    expect(reasonOf(decide(await csr({ ipAddresses: ['::ffff:172.18.0.2', 'fc00:f853:ccd:e793::2', '192.0.2.10'] }), nodeA, wide))).toBe('approve');
  });

  it.each([
    ['not base64 of a PEM', 'garbage!!'],
    ['a PEM with a broken body', Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n').toString('base64')],
    ['empty', ''],
  ])('denies a malformed request (%s) without throwing', async (_name, request) => {
    const bad = await csr();
    bad.spec.request = request;
    const d = decide(bad, nodeA, DEFAULT_POLICY);
    expect(d).toMatchObject({ action: 'deny', reason: 'MalformedRequest' });
  });

  it('names the first failed rule and lists every failure', async () => {
    const d = decide(await csr({ organizations: ['system:masters'], dnsNames: ['evil'] }, { usages: ['client auth'] }), nodeA, DEFAULT_POLICY);
    expect(d.action === 'deny' && d.failures.map((f) => f.reason)).toEqual(['OrganizationMismatch', 'UsagesMismatch', 'DnsSanMismatch']);
    expect(reasonOf(d)).toBe('OrganizationMismatch');
  });

  it('skips other signers, decided and issued CSRs', async () => {
    const base = await csr();
    expect(decide({ ...base, spec: { ...base.spec, signerName: 'kubernetes.io/kube-apiserver-client-kubelet' } }, nodeA, DEFAULT_POLICY)).toEqual({ action: 'skip', why: 'other-signer' });
    for (const type of ['Approved', 'Denied', 'Failed']) {
      expect(decide({ ...base, status: { conditions: [{ type, status: 'True' }] } }, nodeA, DEFAULT_POLICY)).toEqual({ action: 'skip', why: 'already-decided' });
    }
    expect(decide({ ...base, status: { certificate: 'Y2VydA==' } }, nodeA, DEFAULT_POLICY)).toEqual({ action: 'skip', why: 'already-issued' });
  });
});

describe('resolvePolicy', () => {
  it('collects every problem', () => {
    expect(() => resolvePolicy({ maxExpirationSeconds: 60, allowedPrefixes: ['10.0.0.1/8', 'nope'] })).toThrow(/3 problems/);
  });
  it('defaults to a year and no allow list', () => {
    expect(resolvePolicy({})).toEqual({ maxExpirationSeconds: 31_536_000 });
  });
});

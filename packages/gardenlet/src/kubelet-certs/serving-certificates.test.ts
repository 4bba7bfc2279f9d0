import type { V1CertificateSigningRequest } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '@seedbed/pki';
import { KUBELET_SERVING_SIGNER } from '@seedbed/csr-approver';
import { certificateStatus, fromCertificateStatus, nextExpiry, nodeServingCertificates, servingProblem } from './serving-certificates.ts';

let ca: CertificateAuthority;
beforeAll(async () => {
  ca = await CertificateAuthority.create('test-kubelet-serving-ca');
});

let revision = 100;
const csr = (name: string, node: string, at: number, status: V1CertificateSigningRequest['status'] = {}, username = `system:node:${node}`): V1CertificateSigningRequest => ({
  metadata: { name, creationTimestamp: new Date(at), resourceVersion: String(revision++) },
  spec: { signerName: KUBELET_SERVING_SIGNER, request: '', username, groups: ['system:nodes'] },
  status,
});
const issued = async (name: string, node: string, at: number, ips: string[]) => {
  const pair = await ca.issue({ commonName: `system:node:${node}`, dnsNames: [node], ipAddresses: ips, usages: ['server'] });
  return { csr: csr(name, node, at, { certificate: Buffer.from(pair.certPem).toString('base64'), conditions: [{ type: 'Approved', status: 'True' }] }), serial: pair.certificate.serialNumber };
};

describe('nodeServingCertificates', () => {
  it('takes the newest issued certificate of each node, with its SANs and CSR, and counts rotations', async () => {
    const first = await issued('csr-a', 'n0', 1_000, ['fd00::2']);
    const second = await issued('csr-b', 'n0', 2_000, ['fd00::2']);
    const [n0] = nodeServingCertificates([second.csr, first.csr], ['n0']);
    expect(n0!.current).toMatchObject({ csr: 'csr-b', sans: ['n0', 'fd00::2'] });
    // the same number; the two libraries pad leading zero nibbles differently
    expect(BigInt(`0x${n0!.current!.serialNumber}`)).toBe(BigInt(`0x${second.serial}`));
    expect(n0!.issued).toBe(2);
    expect(n0!.latest).toBeUndefined();
    expect(servingProblem(n0!, 3_000)).toBeUndefined();
  });

  it('orders CSRs of the same second by resourceVersion (a rotation within the second of the first request)', async () => {
    const first = await issued('csr-z', 'n0', 1_000, ['fd00::2']);
    const second = await issued('csr-a', 'n0', 1_000, ['fd00::2']);
    expect(nodeServingCertificates([second.csr, first.csr], ['n0'])[0]!.current!.csr).toBe('csr-a');
    expect(nodeServingCertificates([first.csr, second.csr], ['n0'])[0]!.current!.csr).toBe('csr-a');
  });

  it('keeps a node with a valid certificate healthy when a newer CSR in its name was denied', async () => {
    const good = await issued('csr-good', 'n0', 1_000, ['10.0.0.2']);
    const forged = csr('csr-forged', 'n0', 2_000, { conditions: [{ type: 'Denied', status: 'True', reason: 'DnsSanMismatch', message: 'extra DNS name' }] });
    const [n0] = nodeServingCertificates([good.csr, forged], ['n0']);
    expect(n0!.latest).toMatchObject({ csr: 'csr-forged', state: 'Denied', reason: 'DnsSanMismatch' });
    expect(servingProblem(n0!, 3_000)).toBeUndefined();
  });

  it("names why a node holds nothing: no CSR, pending, denied with the approver's reason", () => {
    const denied = csr('csr-d', 'n1', 1_000, { conditions: [{ type: 'Denied', status: 'True', reason: 'IpSanMismatch', message: 'not the node\'s: 10.9.9.9' }] });
    const pending = csr('csr-p', 'n2', 1_000);
    const byAdmin = csr('csr-x', 'n3', 1_000, {}, 'kubernetes-admin');
    const result = nodeServingCertificates([denied, pending, byAdmin], ['n0', 'n1', 'n2', 'n3']);
    expect(result.map((n) => servingProblem(n, 2_000))).toEqual([
      'no kubelet-serving CSR',
      "CSR csr-d was denied (IpSanMismatch): not the node's: 10.9.9.9",
      'CSR csr-p is pending',
      'no kubelet-serving CSR',
    ]);
  });

  it('calls an expired certificate expired and reports the next expiry still ahead', async () => {
    const a = await issued('csr-a', 'n0', 1_000, ['10.0.0.2']);
    const [n0] = nodeServingCertificates([a.csr], ['n0']);
    const notAfter = Date.parse(n0!.current!.notAfter);
    expect(nextExpiry([n0!], notAfter - 1)).toBe(notAfter);
    expect(nextExpiry([n0!], notAfter)).toBeUndefined();
    expect(servingProblem(n0!, notAfter)).toMatch(/^serving certificate \w+ expired at /);
  });

  it("keeps a node's certificate after kube-controller-manager cleaned up its CSRs (approved ones go after an hour), and counts rotations whose CSRs are gone", async () => {
    const first = await issued('csr-a', 'n0', 1_000, ['10.0.0.2']);
    const second = await issued('csr-b', 'n0', 2_000, ['10.0.0.2']);
    const seen = nodeServingCertificates([first.csr, second.csr], ['n0']);
    // recorded in the status, read back by a restarted gardenlet
    const recorded = fromCertificateStatus(certificateStatus(seen, 3_000));
    const [afterCleanup] = nodeServingCertificates([], ['n0'], recorded);
    expect(afterCleanup).toMatchObject({ current: { csr: 'csr-b' }, issued: 2 });
    expect(servingProblem(afterCleanup!, 3_000)).toBeUndefined();
    const forged = csr('csr-f', 'n0', 4_000, { conditions: [{ type: 'Denied', status: 'True', reason: 'DnsSanMismatch' }] });
    const third = await issued('csr-c', 'n0', 5_000, ['10.0.0.2']);
    const [rotated] = nodeServingCertificates([forged, third.csr], ['n0'], [afterCleanup!]);
    expect(rotated).toMatchObject({ current: { csr: 'csr-c' }, issued: 3 });
    expect(rotated!.latest).toBeUndefined();
  });
});

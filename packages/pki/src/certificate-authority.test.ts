import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CertificateAuthority } from './certificate-authority.ts';

describe('CertificateAuthority', () => {
  it('issues a serving certificate with DNS and IPv4/IPv6 SANs that verifies against the CA', async () => {
    const ca = await CertificateAuthority.create('seedbed-ca');
    const pair = await ca.issue({
      commonName: 'kube-apiserver',
      dnsNames: ['localhost', 'kubernetes.default.svc'],
      ipAddresses: ['127.0.0.1', '::1', 'fd00:10:2::1', '10.2.0.1'],
      usages: ['server'],
    });
    const cert = new X509Certificate(pair.certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.subjectAltName).toContain('DNS:kubernetes.default.svc');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('IP Address:FD00:10:2:0:0:0:0:1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkIP('fd00:10:2::1')).toBe('fd00:10:2::1');
    expect(cert.checkIP('::2')).toBeUndefined();
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(caCert.ca).toBe(true);
    expect(pair.keyPem).toContain('BEGIN PRIVATE KEY');
  });

  it('puts organizations in the subject for client certificates (RBAC groups)', async () => {
    const ca = await CertificateAuthority.create('seedbed-ca');
    const pair = await ca.issue({ commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['client'] });
    const cert = new X509Certificate(pair.certPem);
    expect(cert.subject).toContain('CN=kubernetes-admin');
    expect(cert.subject).toContain('O=system:masters');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });
});

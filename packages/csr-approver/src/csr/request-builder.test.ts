import { describe, expect, it } from 'vitest';
import { parseCertificateRequest } from './certificate-request.ts';
import { buildCertificateRequest, x509IpText } from './request-builder.ts';

describe('x509IpText', () => {
  it.each([
    ['127.0.0.2', '127.0.0.2'],
    ['::1', '0:0:0:0:0:0:0:1'],
    ['::ffff:127.0.0.2', '0:0:0:0:0:ffff:7f00:2'],
    ['fc00:f853:ccd:e793::3', 'fc00:f853:ccd:e793:0:0:0:3'],
    ['fe80::', 'fe80:0:0:0:0:0:0:0'],
  ])('%s → %s', (ip, text) => expect(x509IpText(ip)).toBe(text));

  it('rejects what is not IPv6', () => expect(() => x509IpText('1::2::3')).toThrow(/not an IPv6 address/));
});

describe('buildCertificateRequest → parseCertificateRequest', () => {
  it('round-trips subject and every SAN type, IPv4-mapped IPv6 as 16 bytes', async () => {
    const { csrPem, keyPem } = await buildCertificateRequest({
      commonName: 'system:node:a',
      organizations: ['system:nodes'],
      dnsNames: ['a'],
      ipAddresses: ['127.0.0.2', '::1', '::ffff:127.0.0.3'],
      emails: ['x@y'],
      uris: ['spiffe://x'],
    });
    expect(keyPem).toContain('BEGIN PRIVATE KEY');
    const parsed = parseCertificateRequest(Buffer.from(csrPem).toString('base64'));
    expect(parsed).toEqual({
      ok: true,
      facts: {
        commonNames: ['system:node:a'],
        organizations: ['system:nodes'],
        dnsNames: ['a'],
        ipAddresses: ['127.0.0.2', '::1', '::ffff:7f00:3'],
        emails: ['x@y'],
        uris: ['spiffe://x'],
        otherNames: [],
      },
    });
  });

  it('reuses a given key', async () => {
    const first = await buildCertificateRequest({ commonName: 'x' });
    const second = await buildCertificateRequest({ commonName: 'x', keyPem: first.keyPem });
    expect(second.keyPem).toBe(first.keyPem);
  });
});

/**
 * Reads a PEM PKCS#10 request into the facts the approver judges: subject CN
 * and O, and the SANs by type. Anything that does not parse is reported as a
 * reason, never thrown, so one malformed request cannot stop the controller.
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const SUBJECT_ALT_NAME_OID = '2.5.29.17';

export interface RequestFacts {
  commonNames: string[];
  organizations: string[];
  dnsNames: string[];
  /** As encoded (IPv4-mapped IPv6 not yet normalised). */
  ipAddresses: string[];
  emails: string[];
  uris: string[];
  /** SAN types other than DNS, IP, email and URI (otherName, directoryName, …). */
  otherNames: string[];
}

export type ParsedRequest = { ok: true; facts: RequestFacts } | { ok: false; error: string };

/** Parses `spec.request`: base64 of a PEM CERTIFICATE REQUEST (as the API returns it) or the PEM itself. */
export function parseCertificateRequest(request: string | undefined): ParsedRequest {
  if (!request) return { ok: false, error: 'spec.request is empty' };
  const pem = request.includes('-----BEGIN') ? request : Buffer.from(request, 'base64').toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE REQUEST-----')) return { ok: false, error: 'spec.request is not a PEM CERTIFICATE REQUEST' };
  try {
    const csr = new x509.Pkcs10CertificateRequest(pem);
    const facts: RequestFacts = {
      commonNames: csr.subjectName.getField('CN'),
      organizations: csr.subjectName.getField('O'),
      dnsNames: [],
      ipAddresses: [],
      emails: [],
      uris: [],
      otherNames: [],
    };
    for (const extension of csr.extensions.filter((e) => e.type === SUBJECT_ALT_NAME_OID)) {
      for (const name of new x509.SubjectAlternativeNameExtension(extension.rawData).names.items) {
        if (name.type === 'dns') facts.dnsNames.push(name.value);
        else if (name.type === 'ip') facts.ipAddresses.push(name.value);
        else if (name.type === 'email') facts.emails.push(name.value);
        else if (name.type === 'url') facts.uris.push(name.value);
        else facts.otherNames.push(`${name.type}:${name.value}`);
      }
    }
    return { ok: true, facts };
  } catch (error) {
    return { ok: false, error: `spec.request does not parse as PKCS#10: ${(error as Error).message}` };
  }
}

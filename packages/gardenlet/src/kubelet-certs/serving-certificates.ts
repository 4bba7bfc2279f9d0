/**
 * Which kubelet serving certificate each node of a shoot holds, read from the
 * shoot's CertificateSigningRequests as Gardener's care controller could: a
 * node's certificate is the one in its newest issued
 * `kubernetes.io/kubelet-serving` CSR (requested as system:node:<name>).
 * A newer CSR that was denied or is still pending is kept beside it, so a
 * node is only called unhealthy for it when it holds nothing valid — a forged
 * CSR denied in a node's name does not take a working node down.
 *
 * kube-controller-manager's CSR cleaner deletes approved CSRs after an hour
 * while the node keeps serving with the certificate, so what was seen before
 * (`previous`, e.g. from status.kubeletServingCertificates) is carried over
 * for a node whose issued CSRs are gone. Pure.
 */
import { X509Certificate } from 'node:crypto';
import type { V1CertificateSigningRequest } from '@kubernetes/client-node';
import { KUBELET_SERVING_SIGNER, nodeNameOf } from '@seedbed/csr-approver';
import { certificateNames } from '@seedbed/node-agent';

export interface ServingCertificate {
  /** The CSR that issued it. */
  csr: string;
  /** Hex, as openssl prints it. */
  serialNumber: string;
  notAfter: string;
  /** DNS names, then IP addresses (canonical). */
  sans: string[];
  /** When the node asked for it: the CSR's creation. */
  requestedAt?: string;
}

export interface NodeServingCertificates {
  node: string;
  current?: ServingCertificate;
  /** Issued CSRs of this node still in the API (the first certificate plus rotations). */
  issued: number;
  /** The node's newest CSR when it is newer than `current` and not issued. */
  latest?: { csr: string; state: 'Pending' | 'Denied' | 'Failed'; reason?: string; message?: string };
}

const created = (csr: V1CertificateSigningRequest) => new Date(csr.metadata?.creationTimestamp ?? 0).getTime();
/**
 * Creation order: creationTimestamp has whole seconds, and a rotation often
 * lands in the second of the previous request; ties go by resourceVersion
 * (etcd's revision: opaque by contract, but a CSR is written last when it is
 * issued, before its successor is even created).
 */
const byCreation = (a: V1CertificateSigningRequest, b: V1CertificateSigningRequest) =>
  created(a) - created(b) || Number(a.metadata?.resourceVersion ?? 0) - Number(b.metadata?.resourceVersion ?? 0);

/** Facts from one CSR's certificate; undefined when it carries none or it does not parse. */
export function servingCertificate(csr: V1CertificateSigningRequest): ServingCertificate | undefined {
  if (!csr.status?.certificate) return undefined;
  const pem = Buffer.from(csr.status.certificate, 'base64').toString('utf8');
  try {
    const cert = new X509Certificate(pem);
    const names = certificateNames(pem);
    return {
      csr: csr.metadata?.name ?? '',
      serialNumber: cert.serialNumber,
      notAfter: new Date(cert.validTo).toISOString(),
      sans: [...names.dnsNames, ...names.ipAddresses],
      requestedAt: csr.metadata?.creationTimestamp ? new Date(csr.metadata.creationTimestamp).toISOString() : undefined,
    };
  } catch {
    return undefined; // a certificate that does not parse is no certificate the node could serve with
  }
}

export function nodeServingCertificates(
  csrs: readonly V1CertificateSigningRequest[],
  nodes: readonly string[],
  previous: readonly NodeServingCertificates[] = [],
): NodeServingCertificates[] {
  const serving = csrs.filter((c) => c.spec.signerName === KUBELET_SERVING_SIGNER).sort(byCreation);
  return nodes.map((node) => {
    const own = serving.filter((c) => nodeNameOf(c) === node);
    const issued = own.map((c) => ({ csr: c, cert: servingCertificate(c) })).filter((x) => x.cert);
    const newestIssued = issued.at(-1);
    const newest = own.at(-1);
    const before = previous.find((p) => p.node === node);
    const result: NodeServingCertificates = { node, current: newestIssued?.cert, issued: issued.length };
    if (before?.current && !result.current) {
      // its CSRs were cleaned up (or not listed): the node still holds what it held
      result.current = before.current;
      result.issued = before.issued;
    } else if (before?.current && result.current) {
      // rotations seen before whose CSRs are gone still count
      const seenBefore = issued.some((x) => x.cert!.csr === before.current!.csr);
      result.issued = Math.max(result.issued, seenBefore ? before.issued : before.issued + 1);
    }
    if (newest && newest !== newestIssued?.csr && newest.metadata?.name !== result.current?.csr) {
      const decided = newest.status?.conditions?.find((c) => (c.type === 'Denied' || c.type === 'Failed') && c.status !== 'False');
      result.latest = {
        csr: newest.metadata?.name ?? '',
        state: decided ? (decided.type as 'Denied' | 'Failed') : 'Pending',
        reason: decided?.reason,
        message: decided?.message,
      };
    }
    return result;
  });
}

/** Why a node does not hold a valid serving certificate at `now`, or undefined when it does. */
export function servingProblem(n: NodeServingCertificates, now: number): string | undefined {
  if (n.current && Date.parse(n.current.notAfter) > now) return undefined;
  const latest = n.latest && `CSR ${n.latest.csr} ${n.latest.state === 'Pending' ? 'is pending' : `was ${n.latest.state.toLowerCase()}${n.latest.reason ? ` (${n.latest.reason})` : ''}${n.latest.message ? `: ${n.latest.message}` : ''}`}`;
  if (n.current) return `serving certificate ${n.current.serialNumber} expired at ${n.current.notAfter}${latest ? `; ${latest}` : ''}`;
  return latest ?? 'no kubelet-serving CSR';
}

/** The earliest notAfter still ahead (epoch ms), for a re-check when a certificate expires without an event. */
export function nextExpiry(nodes: readonly NodeServingCertificates[], now: number): number | undefined {
  const ahead = nodes.map((n) => (n.current ? Date.parse(n.current.notAfter) : NaN)).filter((t) => t > now);
  return ahead.length ? Math.min(...ahead) : undefined;
}

/** What `status.kubeletServingCertificates.nodes` shows per node: the certificate, its CSR, the last rotation and any problem. */
export interface NodeCertificateStatus {
  name: string;
  serialNumber?: string;
  notAfter?: string;
  sans?: string[];
  csr?: string;
  /** When the node requested its current certificate, if it replaced an earlier one. */
  lastRotation?: string;
  rotations: number;
  problem?: string;
}

export function certificateStatus(nodes: readonly NodeServingCertificates[], now: number): NodeCertificateStatus[] {
  return nodes.map((n) => {
    const problem = servingProblem(n, now);
    return {
      name: n.node,
      ...(n.current ? { serialNumber: n.current.serialNumber, notAfter: n.current.notAfter, sans: n.current.sans, csr: n.current.csr } : {}),
      ...(n.current && n.issued > 1 && n.current.requestedAt ? { lastRotation: n.current.requestedAt } : {}),
      rotations: Math.max(0, n.issued - 1),
      ...(problem ? { problem } : {}),
    };
  });
}

/** The inverse of certificateStatus: what a shoot's status recorded, as `previous` for nodeServingCertificates. */
export function fromCertificateStatus(nodes: readonly NodeCertificateStatus[] | undefined): NodeServingCertificates[] {
  return (nodes ?? []).map((n) => ({
    node: n.name,
    issued: n.rotations + (n.serialNumber ? 1 : 0),
    ...(n.serialNumber && n.notAfter && n.csr ? { current: { csr: n.csr, serialNumber: n.serialNumber, notAfter: n.notAfter, sans: n.sans ?? [], requestedAt: n.lastRotation } } : {}),
  }));
}

/**
 * The approval decision for one kubelet serving CSR, as a pure function of
 * the CSR, the Node it names (or its absence) and the policy. Every rule is
 * checked; the CSR is denied with the reason of the first failed rule (in
 * the order of DENIAL_REASONS) and a message listing all failures.
 */
import type { V1CertificateSigningRequest, V1Node } from '@kubernetes/client-node';
import { canonicalIp, containsIp } from '@seedbed/cluster';
import { parseCertificateRequest } from '../csr/certificate-request.ts';
import {
  KUBELET_SERVING_SIGNER,
  KUBELET_SERVING_USAGE_SETS,
  NODES_GROUP,
  NODE_USER_PREFIX,
  normaliseNames,
  servingNames,
} from '../csr/kubelet-serving.ts';
import type { ApprovalPolicy } from './approval-policy.ts';

/** Condition reasons of denials, in the order rules are checked. */
export const DENIAL_REASONS = [
  'MalformedRequest',
  'NotNodeRequestor',
  'CommonNameMismatch',
  'OrganizationMismatch',
  'UsagesMismatch',
  'ForbiddenSanType',
  'ExpirationTooLong',
  'NodeNotFound',
  'DnsSanMismatch',
  'IpSanMismatch',
  'IpNotAllowed',
] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

export const APPROVAL_REASON = 'SeedbedKubeletServingApproved';

export type Decision =
  | { action: 'skip'; why: 'other-signer' | 'already-decided' | 'already-issued' }
  | { action: 'approve'; reason: typeof APPROVAL_REASON; message: string }
  | { action: 'deny'; reason: DenialReason; message: string; failures: Array<{ reason: DenialReason; message: string }> };

/** The node a CSR is about: from its requestor when that is a node identity, else from its CN. */
export function nodeNameOf(csr: V1CertificateSigningRequest): string | undefined {
  const username = csr.spec.username ?? '';
  if (username.startsWith(NODE_USER_PREFIX)) return username.slice(NODE_USER_PREFIX.length);
  return undefined;
}

export function isDecided(csr: V1CertificateSigningRequest): Decision | undefined {
  if (csr.spec.signerName !== KUBELET_SERVING_SIGNER) return { action: 'skip', why: 'other-signer' };
  if (csr.status?.certificate) return { action: 'skip', why: 'already-issued' };
  if (csr.status?.conditions?.some((c) => ['Approved', 'Denied', 'Failed'].includes(c.type) && c.status !== 'False')) {
    return { action: 'skip', why: 'already-decided' };
  }
  return undefined;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : 'none');
const diff = (got: readonly string[], want: readonly string[]) => {
  const extra = got.filter((x) => !want.includes(x));
  const missing = want.filter((x) => !got.includes(x));
  return `${extra.length ? `not the node's: ${list(extra)}` : ''}${extra.length && missing.length ? '; ' : ''}${missing.length ? `missing: ${list(missing)}` : ''}`;
};

export function decide(csr: V1CertificateSigningRequest, node: V1Node | undefined, policy: ApprovalPolicy): Decision {
  const skip = isDecided(csr);
  if (skip) return skip;
  const failures: Array<{ reason: DenialReason; message: string }> = [];
  const fail = (reason: DenialReason, message: string) => failures.push({ reason, message });

  const username = csr.spec.username ?? '';
  const groups = csr.spec.groups ?? [];
  const nodeName = nodeNameOf(csr);
  if (!nodeName || !groups.includes(NODES_GROUP)) {
    fail('NotNodeRequestor', `requestor "${username}" (groups ${list(groups)}) is not a node: must be ${NODE_USER_PREFIX}<name> in group ${NODES_GROUP}`);
  }

  const parsed = parseCertificateRequest(csr.spec.request);
  if (!parsed.ok) {
    fail('MalformedRequest', parsed.error);
  } else {
    const { facts } = parsed;
    if (facts.commonNames.length !== 1 || facts.commonNames[0] !== username) {
      fail('CommonNameMismatch', `subject CN ${list(facts.commonNames)} must equal the requestor "${username}"`);
    }
    if (facts.organizations.length !== 1 || facts.organizations[0] !== NODES_GROUP) {
      fail('OrganizationMismatch', `subject O [${facts.organizations.join(', ')}] must be exactly [${NODES_GROUP}]`);
    }
    const forbidden = [...facts.emails.map((e) => `email:${e}`), ...facts.uris.map((u) => `uri:${u}`), ...facts.otherNames];
    if (forbidden.length) fail('ForbiddenSanType', `only DNS and IP SANs are allowed, found ${list(forbidden)}`);
    if (nodeName && !node) {
      fail('NodeNotFound', `node "${nodeName}" does not exist`);
    } else if (node) {
      const want = servingNames(node);
      const got = normaliseNames(facts.dnsNames, facts.ipAddresses);
      if (!sameSet(got.dnsNames, want.dnsNames)) fail('DnsSanMismatch', `DNS SANs [${got.dnsNames.join(', ')}] must equal node ${nodeName}'s DNS names [${want.dnsNames.join(', ')}] (${diff(got.dnsNames, want.dnsNames)})`);
      if (!sameSet(got.ipAddresses, want.ipAddresses)) fail('IpSanMismatch', `IP SANs [${got.ipAddresses.join(', ')}] must equal node ${nodeName}'s addresses [${want.ipAddresses.join(', ')}] (${diff(got.ipAddresses, want.ipAddresses)})`);
    }
    if (policy.allowedPrefixes?.length) {
      const outside = facts.ipAddresses.map((ip) => canonicalIp(ip) ?? ip).filter((ip) => !policy.allowedPrefixes!.some((p) => containsIp(p, ip)));
      if (outside.length) fail('IpNotAllowed', `IP SANs ${list(outside)} are outside the allowed prefixes ${policy.allowedPrefixes.map((p) => p.text).join(', ')}`);
    }
  }

  const usages = csr.spec.usages ?? [];
  const duplicate = new Set(usages).size !== usages.length;
  if (duplicate || !KUBELET_SERVING_USAGE_SETS.some((set) => sameSet(usages, set))) {
    fail('UsagesMismatch', `usages [${usages.join(', ')}] must be exactly ${KUBELET_SERVING_USAGE_SETS.map((s) => `[${s.join(', ')}]`).join(' or ')}`);
  }
  const expiration = csr.spec.expirationSeconds;
  if (expiration !== undefined && expiration !== null && expiration > policy.maxExpirationSeconds) {
    fail('ExpirationTooLong', `expirationSeconds ${expiration} exceeds the maximum of ${policy.maxExpirationSeconds}`);
  }

  if (failures.length) {
    failures.sort((a, b) => DENIAL_REASONS.indexOf(a.reason) - DENIAL_REASONS.indexOf(b.reason));
    return { action: 'deny', reason: failures[0]!.reason, message: failures.map((f) => `${f.reason}: ${f.message}`).join('; '), failures };
  }
  return { action: 'approve', reason: APPROVAL_REASON, message: `serving certificate for node ${nodeName}: requestor, subject, SANs, usages and expiration match` };
}

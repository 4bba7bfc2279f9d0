/**
 * The approver's configurable policy: the longest certificate a CSR may ask
 * for and an optional allow list of IP prefixes. Validation collects every
 * problem before the controller starts.
 */
import { ValidationError, type Problem } from '@seedbed/core';
import { parseCidr, type Cidr } from '@seedbed/cluster';

/** kube-controller-manager's default --cluster-signing-duration: a year. */
export const DEFAULT_MAX_EXPIRATION_SECONDS = 365 * 24 * 3600;
/** kube-controller-manager never signs for less. */
export const MIN_EXPIRATION_SECONDS = 600;

export interface ApprovalPolicy {
  /** CSRs whose spec.expirationSeconds exceeds this are denied. */
  maxExpirationSeconds: number;
  /** When set, every IP SAN must lie in one of these prefixes. */
  allowedPrefixes?: readonly Cidr[];
}

export const DEFAULT_POLICY: ApprovalPolicy = { maxExpirationSeconds: DEFAULT_MAX_EXPIRATION_SECONDS };

export interface PolicyInput {
  maxExpirationSeconds?: number | string;
  allowedPrefixes?: readonly string[];
}

export function resolvePolicy(input: PolicyInput, source = 'csr-approver policy'): ApprovalPolicy {
  const problems: Problem[] = [];
  let maxExpirationSeconds = DEFAULT_MAX_EXPIRATION_SECONDS;
  if (input.maxExpirationSeconds !== undefined) {
    const n = Number(input.maxExpirationSeconds);
    if (!Number.isInteger(n) || n < MIN_EXPIRATION_SECONDS) {
      problems.push({ path: 'maxExpirationSeconds', message: `must be an integer ≥ ${MIN_EXPIRATION_SECONDS} (kube-controller-manager's minimum), got ${JSON.stringify(input.maxExpirationSeconds)}` });
    } else maxExpirationSeconds = n;
  }
  const allowedPrefixes: Cidr[] = [];
  for (const [i, text] of (input.allowedPrefixes ?? []).entries()) {
    const cidr = parseCidr(text);
    if (typeof cidr === 'string') problems.push({ path: `allowedPrefixes[${i}]`, message: cidr });
    else allowedPrefixes.push(cidr);
  }
  if (problems.length) throw new ValidationError(source, problems);
  return { maxExpirationSeconds, ...(input.allowedPrefixes?.length ? { allowedPrefixes } : {}) };
}

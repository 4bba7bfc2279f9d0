/**
 * Fault injection by version: a gardenlet whose version the catalog knows as
 * broken fails a named flow task for shoots of some IP families — for real,
 * in the flow, so the shoot's lastOperation, lastErrors and status label show
 * it as a bad release would. Besides the catalog's entries, any version ending
 * in `-broken-ipv4` or `-broken-ipv6` breaks DEFAULT_FAULT_TASK for that family.
 */
import { PermanentError } from '@seedbed/core';
import type { IpFamilyName, Shoot } from '@seedbed/gardener-api';

export interface GardenletFault {
  /** The flow task that fails, e.g. `deploy-coredns`. */
  task: string;
  /** Shoots having any of these families are affected. */
  families: IpFamilyName[];
}

export const BROKEN_IPV6_VERSION = 'v2.0.0-broken-ipv6';
export const DEFAULT_FAULT_TASK = 'deploy-coredns';

export const VERSION_CATALOG: Readonly<Record<string, readonly GardenletFault[]>> = {
  [BROKEN_IPV6_VERSION]: [{ task: DEFAULT_FAULT_TASK, families: ['IPv6'] }],
};

const BROKEN_SUFFIX = /-broken-(ipv4|ipv6)$/;

export function faultsForVersion(version: string): GardenletFault[] {
  const known = VERSION_CATALOG[version];
  if (known) return known.map((f) => ({ ...f, families: [...f.families] }));
  const match = BROKEN_SUFFIX.exec(version);
  return match ? [{ task: DEFAULT_FAULT_TASK, families: [match[1] === 'ipv6' ? 'IPv6' : 'IPv4'] }] : [];
}

export function faultFor(faults: readonly GardenletFault[], task: string, shoot: Shoot): GardenletFault | undefined {
  const families = shoot.spec.networking?.ipFamilies ?? ['IPv4'];
  return faults.find((f) => f.task === task && f.families.some((family) => families.includes(family)));
}

/** The error an injected fault raises: permanent, so the flow does not retry the task. */
export class InjectedFaultError extends PermanentError {
  constructor(version: string, fault: GardenletFault) {
    super('INJECTED_FAULT', `gardenlet ${version} breaks task ${fault.task} for ${fault.families.join('/')} shoots (injected fault)`);
  }
}

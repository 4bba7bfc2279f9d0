/**
 * `--cluster-signing-duration` of kube-controller-manager, read from the kind
 * config's kubeadm ClusterConfiguration patches
 * (controllerManager.extraArgs.cluster-signing-duration) the way kind users
 * set it, and validated before anything starts.
 */
import type { Problem } from '@seedbed/core';
import { parseGoDuration } from './go-duration.ts';
import { argPath, type ExtraArgs } from './kubeadm-patches.ts';

export const SIGNING_DURATION_FLAG = 'cluster-signing-duration';
/** kube-controller-manager never issues certificates shorter than 10 minutes. */
export const MIN_SIGNING_DURATION_MS = 10 * 60_000;

/** The flag's value when a patch sets it (verbatim, for the command line); problems are appended. */
export function signingDurationFromArgs(extraArgs: ExtraArgs[], problems: Problem[]): string | undefined {
  let found: string | undefined;
  for (const { index, args } of extraArgs) {
    const value = args[SIGNING_DURATION_FLAG];
    if (value === undefined) continue;
    const path = argPath(index, SIGNING_DURATION_FLAG);
    if (typeof value !== 'string') {
      problems.push({ path, message: 'must be a Go duration string such as "24h" or "8760h"' });
      continue;
    }
    const ms = parseGoDuration(value);
    if (typeof ms === 'string') problems.push({ path, message: ms });
    else if (ms < MIN_SIGNING_DURATION_MS) problems.push({ path, message: `${value} is shorter than 10m; kube-controller-manager issues certificates for at least 10 minutes` });
    else found = value;
  }
  return found;
}

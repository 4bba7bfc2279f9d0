/**
 * `--cluster-signing-duration` of kube-controller-manager, read from the kind
 * config's kubeadm ClusterConfiguration patches
 * (controllerManager.extraArgs.cluster-signing-duration) the way kind users
 * set it, and validated before anything starts.
 */
import { parse as parseYaml } from 'yaml';
import type { Problem } from '@seedbed/core';
import { parseGoDuration } from './go-duration.ts';

export const SIGNING_DURATION_FLAG = 'cluster-signing-duration';
/** kube-controller-manager never issues certificates shorter than 10 minutes. */
export const MIN_SIGNING_DURATION_MS = 10 * 60_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The flag's value when a patch sets it (verbatim, for the command line); problems are appended. */
export function signingDurationFromPatches(patches: unknown, problems: Problem[]): string | undefined {
  if (!Array.isArray(patches)) return undefined;
  let found: string | undefined;
  patches.forEach((patch, i) => {
    if (typeof patch !== 'string') return;
    let doc: unknown;
    try {
      doc = parseYaml(patch);
    } catch {
      return; // reported once by the node-mask reader
    }
    if (!isObject(doc) || doc.kind !== 'ClusterConfiguration') return;
    const cm = doc.controllerManager;
    const raw = isObject(cm) ? cm.extraArgs : undefined;
    // kubeadm v1beta3: a map; v1beta4: a list of {name, value}
    const args: Record<string, unknown> = Array.isArray(raw)
      ? Object.fromEntries(raw.filter(isObject).map((a) => [String(a.name), a.value]))
      : isObject(raw) ? raw : {};
    const value = args[SIGNING_DURATION_FLAG];
    if (value === undefined) return;
    const path = `kubeadmConfigPatches[${i}].controllerManager.extraArgs.${SIGNING_DURATION_FLAG}`;
    if (typeof value !== 'string') return problems.push({ path, message: 'must be a Go duration string such as "24h" or "8760h"' });
    const ms = parseGoDuration(value);
    if (typeof ms === 'string') return problems.push({ path, message: ms });
    if (ms < MIN_SIGNING_DURATION_MS) {
      return problems.push({ path, message: `${value} is shorter than 10m; kube-controller-manager issues certificates for at least 10 minutes` });
    }
    found = value;
  });
  return found;
}

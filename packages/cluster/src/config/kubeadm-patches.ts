/**
 * kube-controller-manager flags as kind users set them: kubeadm
 * ClusterConfiguration patches in `kubeadmConfigPatches`, under
 * controllerManager.extraArgs (kubeadm v1beta3: a map; v1beta4: a list of
 * {name, value}). Each patch is parsed once; YAML errors become problems.
 */
import { parse as parseYaml } from 'yaml';
import type { Problem } from '@seedbed/core';

export interface ExtraArgs {
  /** Index of the patch in kubeadmConfigPatches, for problem paths. */
  index: number;
  args: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function controllerManagerExtraArgs(patches: unknown, problems: Problem[]): ExtraArgs[] {
  if (!Array.isArray(patches)) return [];
  const found: ExtraArgs[] = [];
  patches.forEach((patch, index) => {
    if (typeof patch !== 'string') return;
    let doc: unknown;
    try {
      doc = parseYaml(patch);
    } catch (error) {
      problems.push({ path: `kubeadmConfigPatches[${index}]`, message: `not valid YAML: ${(error as Error).message}` });
      return;
    }
    if (!isObject(doc) || doc.kind !== 'ClusterConfiguration') return;
    const raw = isObject(doc.controllerManager) ? doc.controllerManager.extraArgs : undefined;
    const args = Array.isArray(raw) ? Object.fromEntries(raw.filter(isObject).map((a) => [String(a.name), a.value])) : isObject(raw) ? raw : {};
    found.push({ index, args });
  });
  return found;
}

export const argPath = (index: number, flag: string) => `kubeadmConfigPatches[${index}].controllerManager.extraArgs.${flag}`;

/**
 * The kind config seedbed hands to `kind create cluster`: the user's document
 * unchanged, plus the patches this host needs, each reported with its reason.
 * Only one today: kubelet 1.36 refuses cgroup v1 unless `failCgroupV1: false`
 * (its KubeletConfiguration), added only where the engine's host runs cgroup v1.
 */
import { stringify } from 'yaml';
import type { ClusterConfig } from '../../config/kind-config.ts';

export const CGROUP_V1_PATCH = 'kind: KubeletConfiguration\nfailCgroupV1: false\n';

export interface HostFacts {
  /** The engine's host cgroup version (`docker info` CgroupVersion). */
  cgroupVersion: '1' | '2';
}

export interface RenderedKindConfig {
  yaml: string;
  /** What seedbed added, and why (for progress output). */
  patches: string[];
}

export function renderKindConfig(config: ClusterConfig, host: HostFacts): RenderedKindConfig {
  const document: Record<string, unknown> = { ...structuredClone(config.raw), name: config.name };
  const patches: string[] = [];
  if (host.cgroupVersion === '1') {
    const existing = Array.isArray(document.kubeadmConfigPatches) ? (document.kubeadmConfigPatches as unknown[]) : [];
    document.kubeadmConfigPatches = [...existing, CGROUP_V1_PATCH];
    patches.push('kubelet failCgroupV1: false (the host runs cgroup v1, which kubelet 1.36 refuses by default)');
  }
  return { yaml: stringify(document), patches };
}

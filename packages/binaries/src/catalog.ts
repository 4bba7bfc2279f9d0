/**
 * The binaries seedbed needs and the pinned Go wrapper module (under tools/)
 * that builds each. A module's version is read from its go.mod, so go.mod and
 * go.sum stay the single source of truth.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOLS_DIR = fileURLToPath(new URL('../../../tools/', import.meta.url));

export type BinaryName =
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kubectl'
  | 'kwok'
  | 'kind'
  | 'envtest-peer';

export interface ToolModule {
  /** Directory under tools/. */
  dir: string;
  /** The upstream module whose version keys the cache. */
  module: string;
  /** Binary name → Go package that builds it. */
  binaries: Partial<Record<BinaryName, string>>;
  /** -X flags so the binaries report the pinned version. */
  ldflags: (version: string) => string[];
}

function kubernetesVersionFlags(version: string): string[] {
  const [major, minor] = version.replace(/^v/, '').split('.');
  const flags: string[] = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(`-X ${pkg}.gitVersion=${version}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`, `-X ${pkg}.gitTreeState=clean`);
  }
  return flags;
}

export const TOOL_MODULES: readonly ToolModule[] = [
  {
    dir: 'kubernetes',
    module: 'k8s.io/kubernetes',
    binaries: {
      'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
      'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
      'kube-scheduler': 'k8s.io/kubernetes/cmd/kube-scheduler',
      kubectl: 'k8s.io/kubernetes/cmd/kubectl',
    },
    ldflags: kubernetesVersionFlags,
  },
  { dir: 'etcd', module: 'go.etcd.io/etcd/server/v3', binaries: { etcd: 'go.etcd.io/etcd/server/v3' }, ldflags: () => [] },
  {
    dir: 'kwok',
    module: 'sigs.k8s.io/kwok',
    binaries: { kwok: 'sigs.k8s.io/kwok/cmd/kwok' },
    ldflags: (v) => [`-X sigs.k8s.io/kwok/pkg/consts.Version=${v}`],
  },
  { dir: 'kind', module: 'sigs.k8s.io/kind', binaries: { kind: 'sigs.k8s.io/kind' }, ldflags: () => [] },
  // benchmark peer only: controller-runtime's envtest (etcd + kube-apiserver)
  { dir: 'envtest-peer', module: 'sigs.k8s.io/controller-runtime', binaries: { 'envtest-peer': '.' }, ldflags: () => [] },
];

/** What the local provider runs. */
export const LOCAL_CLUSTER_BINARIES: readonly BinaryName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];
export const ALL_BINARIES: readonly BinaryName[] = [...LOCAL_CLUSTER_BINARIES, 'kubectl', 'kind'];

export function moduleFor(name: BinaryName): ToolModule {
  const tool = TOOL_MODULES.find((t) => t.binaries[name]);
  if (!tool) throw new Error(`no tool module builds ${name}`);
  return tool;
}

/** The version of `tool.module` required by its wrapper go.mod. */
export function moduleVersion(tool: ToolModule, toolsDir = TOOLS_DIR): string {
  const goMod = readFileSync(join(toolsDir, tool.dir, 'go.mod'), 'utf8');
  const escaped = tool.module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(goMod);
  if (!match?.[1]) throw new Error(`tools/${tool.dir}/go.mod does not require ${tool.module}`);
  return match[1];
}

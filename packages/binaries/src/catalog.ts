/**
 * The binaries seedbed needs and the pinned Go wrapper module (under tools/)
 * that builds each. A module's version is read from its go.mod, so go.mod and
 * go.sum stay the single source of truth.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
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
  | 'capdrop-runc'
  | 'netcheck'
  | 'envtest-peer'
  // the kind node image (NODE_IMAGE_BINARIES)
  | 'kubelet'
  | 'kubeadm'
  | 'kube-proxy'
  | 'containerd'
  | 'containerd-shim-runc-v2'
  | 'ctr'
  | 'runc'
  | 'host-local'
  | 'loopback'
  | 'ptp'
  | 'portmap'
  | 'bridge'
  | 'crictl'
  | 'coredns'
  | 'local-path-provisioner'
  | 'seedbed-cni';

export interface ToolModule {
  /** Directory under tools/. */
  dir: string;
  /**
   * Name of its cache directory (default: dir). Two entries over one wrapper
   * module keep one pin but are built and cached apart, so adding binaries
   * never rebuilds what another entry already cached.
   */
  cacheName?: string;
  /** The upstream module whose version keys the cache. */
  module: string;
  /** seedbed's own module (no upstream pin): a hash of its source files keys the cache. */
  ownSource?: boolean;
  /** Binary name → Go package that builds it. */
  binaries: Partial<Record<BinaryName, string>>;
  /** -X flags so the binaries report the pinned version. */
  ldflags: (version: string) => string[];
  /** CGO_ENABLED for the build; unset keeps go's default (on where a C compiler is found). */
  cgo?: boolean;
  /** Go build tags. */
  tags?: readonly string[];
  /** Link a cgo build statically (`-extldflags -static`; the C libraries' .a files must be installed). */
  static?: boolean;
  /** A command that must succeed before building, and what to install when it fails. */
  prerequisite?: { command: readonly string[]; hint: string };
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
  // seedbed's capability-dropping OCI runtime for its own dockerd (@seedbed/engine); stdlib only, so static
  { dir: 'capdrop-runc', module: 'seedbed.dev/tools/capdrop-runc', ownSource: true, binaries: { 'capdrop-runc': '.' }, ldflags: () => [] },
  // the kind tests' image: serve, fetch and resolve from inside pods (static: pure-Go resolver)
  { dir: 'netcheck', module: 'seedbed.dev/tools/netcheck', ownSource: true, binaries: { netcheck: '.' }, ldflags: () => [], cgo: false },
  // The kind node image's Kubernetes binaries: the same pin as the control plane (tools/kubernetes),
  // cached apart so the cached control plane is not rebuilt; same build settings, so they share
  // Go's build cache with it.
  {
    dir: 'kubernetes',
    cacheName: 'kubernetes-node',
    module: 'k8s.io/kubernetes',
    binaries: {
      kubelet: 'k8s.io/kubernetes/cmd/kubelet',
      kubeadm: 'k8s.io/kubernetes/cmd/kubeadm',
      'kube-proxy': 'k8s.io/kubernetes/cmd/kube-proxy',
    },
    ldflags: kubernetesVersionFlags,
  },
  // The rest of the node image, pinned as kind v0.33.0's base image pins them (images/base/Dockerfile).
  {
    dir: 'containerd',
    module: 'github.com/containerd/containerd/v2',
    binaries: {
      containerd: 'github.com/containerd/containerd/v2/cmd/containerd',
      'containerd-shim-runc-v2': 'github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2',
      ctr: 'github.com/containerd/containerd/v2/cmd/ctr',
    },
    ldflags: (v) => [`-X github.com/containerd/containerd/v2/version.Version=${v}`, '-X github.com/containerd/containerd/v2/version.Package=github.com/containerd/containerd/v2'],
    cgo: false,
    // as kind: none of the optional snapshotters
    tags: ['no_aufs', 'no_zfs', 'no_btrfs', 'no_devmapper'],
  },
  {
    // needs libseccomp-dev and pkg-config (Debian)
    dir: 'runc',
    module: 'github.com/opencontainers/runc',
    binaries: { runc: 'github.com/opencontainers/runc' },
    ldflags: () => [], // runc embeds its VERSION file
    cgo: true,
    tags: ['seccomp', 'urfave_cli_no_docs', 'netgo', 'osusergo'],
    static: true,
    prerequisite: {
      command: ['pkg-config', '--exists', 'libseccomp'],
      hint: 'runc is built with seccomp support: install libseccomp-dev and pkg-config (apt-get install libseccomp-dev pkg-config)',
    },
  },
  {
    dir: 'cni-plugins',
    module: 'github.com/containernetworking/plugins',
    binaries: {
      'host-local': 'github.com/containernetworking/plugins/plugins/ipam/host-local',
      loopback: 'github.com/containernetworking/plugins/plugins/main/loopback',
      ptp: 'github.com/containernetworking/plugins/plugins/main/ptp',
      portmap: 'github.com/containernetworking/plugins/plugins/meta/portmap',
      bridge: 'github.com/containernetworking/plugins/plugins/main/bridge',
    },
    ldflags: (v) => [`-X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=${v}`],
    cgo: false,
  },
  {
    dir: 'cri-tools',
    module: 'sigs.k8s.io/cri-tools',
    binaries: { crictl: 'sigs.k8s.io/cri-tools/cmd/crictl' },
    ldflags: (v) => [`-X sigs.k8s.io/cri-tools/pkg/version.Version=${v}`],
    cgo: false,
  },
  // CoreDNS reports its version from a constant
  { dir: 'coredns', module: 'github.com/coredns/coredns', binaries: { coredns: 'github.com/coredns/coredns' }, ldflags: () => [], cgo: false },
  {
    dir: 'local-path-provisioner',
    module: 'github.com/rancher/local-path-provisioner',
    binaries: { 'local-path-provisioner': 'github.com/rancher/local-path-provisioner' },
    ldflags: (v) => [`-X main.VERSION=${v}`],
    cgo: false,
  },
  // the node image's CNI daemon, in kindnetd's place (whose source is not served here)
  {
    dir: 'seedbed-cni',
    module: 'seedbed.dev/tools/seedbed-cni',
    ownSource: true,
    binaries: { 'seedbed-cni': '.' },
    ldflags: (v) => [`-X main.version=${v}`],
    cgo: false,
  },
  // benchmark peer only: controller-runtime's envtest (etcd + kube-apiserver)
  { dir: 'envtest-peer', module: 'sigs.k8s.io/controller-runtime', binaries: { 'envtest-peer': '.' }, ldflags: () => [] },
];

/** What the local provider runs. */
export const LOCAL_CLUSTER_BINARIES: readonly BinaryName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];
export const ALL_BINARIES: readonly BinaryName[] = [...LOCAL_CLUSTER_BINARIES, 'kubectl', 'kind'];
/**
 * What seedbed's kind node image is assembled from: the node's own binaries,
 * the CNI plugins, and the binaries its control-plane, CoreDNS and storage
 * images run. Resolved by the node-image build itself, not by the test setup.
 */
export const NODE_IMAGE_BINARIES: readonly BinaryName[] = [
  'kubelet',
  'kubeadm',
  'kube-proxy',
  'kubectl',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'etcd',
  'containerd',
  'containerd-shim-runc-v2',
  'ctr',
  'runc',
  'crictl',
  'host-local',
  'loopback',
  'ptp',
  'portmap',
  'bridge',
  'coredns',
  'local-path-provisioner',
  'seedbed-cni',
];

export function moduleFor(name: BinaryName): ToolModule {
  const tool = TOOL_MODULES.find((t) => t.binaries[name]);
  if (!tool) throw new Error(`no tool module builds ${name}`);
  return tool;
}

/** The version of `tool.module` required by its wrapper go.mod. */
export function moduleVersion(tool: ToolModule, toolsDir = TOOLS_DIR): string {
  if (tool.ownSource) return sourceVersion(join(toolsDir, tool.dir));
  const goMod = readFileSync(join(toolsDir, tool.dir, 'go.mod'), 'utf8');
  const escaped = tool.module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(goMod);
  if (!match?.[1]) throw new Error(`tools/${tool.dir}/go.mod does not require ${tool.module}`);
  return match[1];
}

/** `src-<hash>` of a module's go.mod and non-test Go files: any change to them is a new version. */
function sourceVersion(dir: string): string {
  const hash = createHash('sha256');
  const files = readdirSync(dir).filter((f) => f === 'go.mod' || f === 'go.sum' || (f.endsWith('.go') && !f.endsWith('_test.go'))).sort();
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(dir, file))).update('\0');
  return `src-${hash.digest('hex').slice(0, 12)}`;
}

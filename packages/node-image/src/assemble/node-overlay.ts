/**
 * The files seedbed adds to the node rootfs, staged in a directory laid out
 * as the node's `/`: kind's base image files (entrypoint, systemd units,
 * sysctls, crictl config) with the modes kind's Dockerfile gives them, the
 * containerd config with seedbed's change, cri-base.json, the pinned binaries
 * where kind's units and scripts expect them, /kind/version and kind's default
 * CNI and storage manifests.
 */
import { chmod, copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { KindSource } from '../kind/kind-source.ts';

/** Binary name → its path in the node, as kind's base image installs them. */
export const NODE_BINARY_PATHS: Readonly<Record<string, string>> = {
  containerd: '/usr/local/bin/containerd',
  'containerd-shim-runc-v2': '/usr/local/bin/containerd-shim-runc-v2',
  ctr: '/usr/local/bin/ctr',
  crictl: '/usr/local/bin/crictl',
  runc: '/usr/local/sbin/runc',
  'host-local': '/opt/cni/bin/host-local',
  loopback: '/opt/cni/bin/loopback',
  ptp: '/opt/cni/bin/ptp',
  portmap: '/opt/cni/bin/portmap',
  bridge: '/opt/cni/bin/bridge',
  // kind's kubelet unit runs /usr/bin/kubelet; kind's node-image build puts kubeadm and kubectl beside it
  kubelet: '/usr/bin/kubelet',
  kubeadm: '/usr/bin/kubeadm',
  kubectl: '/usr/bin/kubectl',
};

/** kind's Dockerfile: scripts (usr/local/bin/*, kind/bin/*) 0755, every other file 0644, directories 0755. */
export function kindFileMode(relativePath: string): number {
  return /^(usr\/local\/bin|kind\/bin)\//.test(relativePath) ? 0o755 : 0o644;
}

async function copyKindFiles(from: string, to: string, root = from): Promise<void> {
  await mkdir(to, { recursive: true, mode: 0o755 });
  await chmod(to, 0o755);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) await copyKindFiles(source, target, root);
    else if (entry.isFile()) {
      await copyFile(source, target);
      await chmod(target, kindFileMode(relative(root, source)));
    }
  }
}

export interface OverlayInput {
  kind: KindSource;
  kubernetesVersion: string;
  /** Output of the pinned `ctr oci spec`, edited by criBaseSpec. */
  criBaseJson: string;
  /** Binary name → host path, for every name in NODE_BINARY_PATHS that the image carries. */
  binaries: ReadonlyMap<string, string>;
}

/** Writes the overlay into `dir` (created). */
export async function writeNodeOverlay(dir: string, input: OverlayInput): Promise<void> {
  await copyKindFiles(input.kind.baseFiles, dir);
  const put = async (path: string, content: string | { copy: string }, mode: number) => {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    if (typeof content === 'string') await writeFile(target, content);
    else await copyFile(content.copy, target);
    await chmod(target, mode);
  };
  await put('etc/containerd/config.toml', input.kind.containerdConfig, 0o644);
  await put('etc/containerd/cri-base.json', input.criBaseJson, 0o644);
  for (const [name, source] of input.binaries) {
    const path = NODE_BINARY_PATHS[name];
    if (!path) throw new Error(`no node path for binary ${name}`);
    await put(path.slice(1), { copy: source }, 0o755);
  }
  await put('kind/version', input.kubernetesVersion, 0o644);
  await put('kind/manifests/default-cni.yaml', input.kind.cniManifest, 0o644);
  await put('kind/manifests/default-storage.yaml', input.kind.storageManifest, 0o644);
}

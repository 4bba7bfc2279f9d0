/**
 * What the node image takes from the pinned kind module's source (read from
 * Go's module cache, never copied into this repository): the base image's
 * files (entrypoint, systemd units, containerd config, sysctls), the default
 * CNI and storage manifests and the image names they and the containerd
 * config pin.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeedbedError, runCommand } from '@seedbed/core';
import { goStringConstants } from './go-constants.ts';

export interface KindSource {
  version: string;
  /** Module root in Go's module cache. */
  dir: string;
  /** images/base/files: copied to the node's `/` (usr/local/bin, kind/, etc/…). */
  baseFiles: string;
  /** etc/containerd/config.toml with seedbed's change (see patchContainerdConfig). */
  containerdConfig: string;
  /** `sandbox_image` of that config, e.g. registry.k8s.io/pause:3.10. */
  sandboxImage: string;
  kindnetdImage: string;
  storageProvisionerImage: string;
  storageHelperImage: string;
  /** /kind/manifests/default-cni.yaml (a template kind fills with the pod subnet). */
  cniManifest: string;
  /** /kind/manifests/default-storage.yaml */
  storageManifest: string;
}

/** Where `go mod download` puts `module@version` (downloading it through the module proxy when missing). */
export async function goModuleDir(module: string, version: string, options: { cwd?: string; signal?: AbortSignal } = {}): Promise<string> {
  const { stdout } = await runCommand('go', ['mod', 'download', '-json', `${module}@${version}`], {
    cwd: options.cwd,
    signal: options.signal,
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
  }).catch((error: unknown) => {
    throw new SeedbedError('MODULE_UNAVAILABLE', `cannot download the Go module ${module}@${version}`, {
      cause: error,
      hint: 'the node image reads it from the Go module cache; check GOPROXY (go env GOPROXY) answers for it',
    });
  });
  const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new SeedbedError('MODULE_UNAVAILABLE', `go mod download ${module}@${version}: ${info.Error ?? 'no Dir in its answer'}`);
  return info.Dir;
}

/**
 * kind sets `restrict_oom_score_adj = true` only for rootless nodes; here
 * system-node-critical pods otherwise fail (`nsexec: failed to update
 * /proc/self/oom_score_adj: Permission denied`) because the host lacks
 * CAP_SYS_RESOURCE.
 */
export function patchContainerdConfig(config: string): string {
  const setting = /^([ \t]*)restrict_oom_score_adj[ \t]*=[ \t]*false[ \t]*$/m;
  if (!setting.test(config)) {
    throw new SeedbedError('KIND_SOURCE_CHANGED', 'kind\'s containerd config has no `restrict_oom_score_adj = false` line to turn on', {
      hint: 'the pinned kind version changed its containerd config; update patchContainerdConfig',
    });
  }
  return config.replace(setting, '$1restrict_oom_score_adj = true');
}

export function sandboxImageOf(config: string): string {
  const image = /^\s*sandbox_image\s*=\s*"([^"]+)"/m.exec(config)?.[1];
  if (!image) throw new SeedbedError('KIND_SOURCE_CHANGED', 'kind\'s containerd config sets no sandbox_image');
  return image;
}

/** kind's `ctr oci spec` edit for /etc/containerd/cri-base.json: the product-files hook, no rlimits. */
export function criBaseSpec(ociSpecJson: string): string {
  const spec = JSON.parse(ociSpecJson) as { hooks?: { createContainer?: Array<{ path: string }> }; process?: { rlimits?: unknown } };
  spec.hooks ??= {};
  spec.hooks.createContainer = [...(spec.hooks.createContainer ?? []), { path: '/kind/bin/mount-product-files.sh' }];
  if (spec.process) delete spec.process.rlimits;
  return `${JSON.stringify(spec, null, 2)}\n`;
}

export function readKindSource(dir: string, version: string): KindSource {
  const read = (path: string) => readFileSync(join(dir, path), 'utf8');
  const nodeimage = 'pkg/build/nodeimage';
  const constants = goStringConstants(read(`${nodeimage}/const_storage.go`), goStringConstants(read(`${nodeimage}/const_cni.go`)));
  const need = (name: string) => {
    const value = constants[name];
    if (value === undefined) {
      throw new SeedbedError('KIND_SOURCE_CHANGED', `kind ${version}'s ${nodeimage} defines no string constant ${name}`, {
        hint: 'the pinned kind version moved its manifests; update readKindSource',
      });
    }
    return value;
  };
  const original = read('images/base/files/etc/containerd/config.toml');
  return {
    version,
    dir,
    baseFiles: join(dir, 'images/base/files'),
    containerdConfig: patchContainerdConfig(original),
    sandboxImage: sandboxImageOf(original),
    kindnetdImage: need('kindnetdImage'),
    storageProvisionerImage: need('storageProvisionerImage'),
    storageHelperImage: need('storageHelperImage'),
    cniManifest: need('defaultCNIManifest'),
    storageManifest: need('defaultStorageManifest'),
  };
}

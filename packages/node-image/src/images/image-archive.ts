/**
 * Writes container images as a `docker save` archive (manifest.json, each
 * config blob named by its sha256, one layer.tar per distinct layer) without a
 * container engine. `ctr images import` and `docker load` both read it. Layers
 * are plain (uncompressed) tars; their sha256 is the diff id. A layer made
 * from a directory is packed deterministically (sorted, mtime 0, root-owned),
 * so the same inputs give the same digests and containerd stores a base layer
 * shared by several images once.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '@seedbed/core';
import { removeTree } from '../fs/mounts.ts';

export interface ImageConfig {
  entrypoint?: readonly string[];
  cmd?: readonly string[];
  env?: readonly string[];
  workingDir?: string;
  user?: string;
}

export interface ImageArchiveSpec {
  /** Every name the image is tagged with, e.g. registry.k8s.io/pause:3.10.2. */
  tags: readonly string[];
  /** Layer tar files, bottom first. */
  layers: readonly string[];
  config: ImageConfig;
  architecture?: string;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Docker's and Go's name for the CPU architecture Node calls process.arch. */
export function goArch(arch: string = process.arch): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

/** The image config blob (OCI/Docker image config JSON) for layers with these diff ids. */
export function imageConfigJson(spec: ImageArchiveSpec, diffIds: readonly string[]): string {
  const config: Record<string, unknown> = {};
  if (spec.config.entrypoint) config.Entrypoint = spec.config.entrypoint;
  if (spec.config.cmd) config.Cmd = spec.config.cmd;
  config.Env = spec.config.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
  if (spec.config.workingDir) config.WorkingDir = spec.config.workingDir;
  if (spec.config.user) config.User = spec.config.user;
  return JSON.stringify({
    architecture: spec.architecture ?? goArch(),
    os: 'linux',
    created: '1970-01-01T00:00:00Z',
    config,
    rootfs: { type: 'layers', diff_ids: diffIds.map((d) => `sha256:${d}`) },
    history: diffIds.map(() => ({ created: '1970-01-01T00:00:00Z', created_by: 'seedbed node-image build' })),
  });
}

/** Packs `dir` as a deterministic layer tar at `tarPath`. */
export async function packLayer(dir: string, tarPath: string, signal?: AbortSignal): Promise<void> {
  await runCommand(
    'tar',
    ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--format=posix', '--pax-option=delete=atime,delete=ctime', '-C', dir, '-cf', tarPath, '.'],
    { signal },
  );
}

/**
 * Writes one archive holding every image in `images` to `archivePath`
 * (staging in `<archivePath>-staging`, removed afterwards). A layer several
 * images share (the small Debian base) is stored once, as `docker save a b`
 * does, and `ctr images import` / `docker load` take all images in one go.
 */
export async function writeImageArchive(images: readonly ImageArchiveSpec[], archivePath: string, signal?: AbortSignal): Promise<void> {
  if (images.length === 0) throw new Error('an image archive needs at least one image');
  const untagged = images.filter((i) => i.tags.length === 0);
  if (untagged.length) throw new Error(`an image archive needs at least one tag per image (${untagged.length} without)`);
  const staging = `${archivePath}-staging`;
  await removeTree(staging);
  await mkdir(staging, { recursive: true });
  try {
    const digests = new Map<string, string>();
    const entries = new Set<string>(['manifest.json']);
    const manifest: Array<{ Config: string; RepoTags: readonly string[]; Layers: string[] }> = [];
    for (const image of images) {
      const diffIds: string[] = [];
      for (const layer of image.layers) {
        const digest = digests.get(layer) ?? (await sha256File(layer));
        digests.set(layer, digest);
        diffIds.push(digest);
        if (entries.has(digest)) continue;
        entries.add(digest);
        await mkdir(join(staging, digest), { recursive: true });
        // same filesystem (the cache): a hard link costs nothing; else copy
        await link(layer, join(staging, digest, 'layer.tar')).catch(() => copyFile(layer, join(staging, digest, 'layer.tar')));
      }
      const configJson = imageConfigJson(image, diffIds);
      const configName = `${createHash('sha256').update(configJson).digest('hex')}.json`;
      await writeFile(join(staging, configName), configJson);
      entries.add(configName);
      manifest.push({ Config: configName, RepoTags: image.tags, Layers: diffIds.map((d) => `${d}/layer.tar`) });
    }
    await writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest));
    // named entries, not `.`: readers look up `manifest.json`, not `./manifest.json`
    await runCommand('tar', ['--numeric-owner', '-C', staging, '-cf', archivePath, ...entries], { signal });
  } finally {
    await removeTree(staging);
  }
}

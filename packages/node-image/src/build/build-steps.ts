/**
 * The node-image build as a graph of named steps. Go builds run one after
 * another (2 cores), the two debootstraps beside them; every step first looks
 * for its artifact in the cache, keyed by the pins it depends on, so a warm
 * build or one resumed after Ctrl-C only does what is missing.
 *
 *   sources ─┬─ pause ────────────────────────────┐
 *            │                                     ├─ images ─┐
 *   binaries-kubernetes-node → … → binaries-N ─────┤          ├─ assemble ─ save
 *   rootfs-image-base ─────────────────────────────┘          │
 *   rootfs-node ───────────────────────────────────────────────┘
 */
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { resolveBinaries, type BinaryName } from '@seedbed/binaries';
import { SeedbedError, runCommand, type Progress, type Task, type TaskContext } from '@seedbed/core';
import { assembleNodeImage } from '../assemble/assemble.ts';
import { NODE_BINARY_PATHS, writeNodeOverlay } from '../assemble/node-overlay.ts';
import type { DockerCli } from '../docker/docker-cli.ts';
import { removeTree } from '../fs/mounts.ts';
import { componentRecipes, componentTags, type RequestedImages } from '../images/component-images.ts';
import { packLayer, writeImageArchive, type ImageArchiveSpec } from '../images/image-archive.ts';
import { criBaseSpec, goModuleDir, readKindSource, type KindSource } from '../kind/kind-source.ts';
import { buildPause, pauseVersion } from '../pause/pause.ts';
import { pinHash } from '../pins/pins.ts';
import { buildRootfsTar } from '../rootfs/debootstrap.ts';
import { MIRROR_ENV, configuredMirror } from '../rootfs/rootfs-spec.ts';
import type { ArtifactCache } from './artifact-cache.ts';
import { CNI_DAEMON_BINARY, type BuildPlan } from './build-plan.ts';

export interface BuildEnvironment {
  plan: BuildPlan;
  cache: ArtifactCache;
  docker: DockerCli;
  progress: Progress;
  /** A step calls this when its artifact was already cached (the progress line then says so). */
  markCached: (step: string) => void;
  env: NodeJS.ProcessEnv;
  toolsDir?: string;
}

/** What the steps hand each other. */
interface BuildState {
  kind?: KindSource;
  kubernetesDir?: string;
  binaries: Map<string, string>;
  pause?: string;
  rootfs: Map<string, string>;
  /** `docker save`-format archives to import into the node's containerd. */
  archives: string[];
  expectedImages: string[];
}

export interface BuildStep extends Task {
  title: string;
}

/** The saved image's cache name: `node/seedbed_kind-node_v1.36.3-<hash>.tar`. */
export function savedImageName(tag: string): string {
  return `node/${tag.replace(/[/:]/g, '_')}.tar`;
}

export function buildSteps(build: BuildEnvironment): BuildStep[] {
  const { plan, cache, markCached } = build;
  const state: BuildState = { binaries: new Map(), rootfs: new Map(), archives: [], expectedImages: [] };
  const binaryStepNames = plan.binarySteps.map((s) => s.name);
  const steps: BuildStep[] = [];

  steps.push({
    name: 'sources',
    title: `reading kind ${plan.kindVersion} and kubernetes ${plan.kubernetesVersion} sources from the Go module cache`,
    run: async ({ signal }) => {
      const kindDir = await goModuleDir('sigs.k8s.io/kind', plan.kindVersion, { signal });
      state.kind = readKindSource(kindDir, plan.kindVersion);
      state.kubernetesDir = await goModuleDir('k8s.io/kubernetes', plan.kubernetesVersion, { signal });
    },
  });

  for (const spec of plan.rootfs) {
    const name = `rootfs-${spec.name}`;
    steps.push({
      name,
      title: `debootstrap ${spec.name} rootfs (${spec.suite}, ${spec.packages.length} packages)`,
      run: async ({ signal }) => {
        const { path, made } = await cache.produce(`rootfs/${spec.name}-${pinHash(spec)}.tar`, (tmp) => buildRootfsTar(spec, debianMirror(build.env), tmp, { signal }));
        if (!made) markCached(name);
        state.rootfs.set(spec.name, path);
      },
    });
  }

  plan.binarySteps.forEach((binaryStep, i) => {
    steps.push({
      name: binaryStep.name,
      title: binaryStep.title,
      dependencies: i > 0 ? [binaryStepNames[i - 1]!] : [],
      run: async ({ signal }) => {
        // the go builder's own start/done lines would repeat this step's; its periodic package counts are kept
        const goProgress: Progress = { info: (line) => build.progress.info(line), step: () => {} };
        const resolved = await resolveBinaries({ names: binaryStep.binaries, env: build.env, progress: goProgress, signal, toolsDir: build.toolsDir });
        if (resolved.source !== 'built') markCached(binaryStep.name);
        for (const n of binaryStep.binaries) state.binaries.set(n, resolved.path(n));
      },
    });
  });

  steps.push({
    name: 'pause',
    title: 'building pause from kubernetes source (gcc -static)',
    dependencies: ['sources'],
    run: async ({ signal }) => {
      const version = pauseVersion(state.kubernetesDir!);
      const { path, made } = await cache.produce(`pause/pause-${version}-${plan.kubernetesVersion}`, (tmp) => buildPause(state.kubernetesDir!, tmp, signal));
      if (!made) markCached('pause');
      state.pause = path;
    },
  });

  steps.push({
    name: 'images',
    title: 'writing the component images (tagged as kubeadm and kind expect)',
    dependencies: ['sources', 'pause', 'rootfs-image-base', ...binaryStepNames],
    run: (ctx) => writeComponentImages(build, state, ctx),
  });

  steps.push({
    name: 'assemble',
    title: `assembling ${plan.tag}`,
    dependencies: ['images', 'rootfs-node'],
    run: async ({ signal, clock }) => {
      if (await build.docker.imageExists(plan.tag, signal)) return markCached('assemble');
      const overlay = cache.path(`tmp/overlay-${process.pid}`);
      await removeTree(overlay);
      try {
        const ctr = state.binaries.get('ctr')!;
        const nodeBinaries = new Map([...state.binaries].filter(([n]) => NODE_BINARY_PATHS[n]));
        const criBaseJson = criBaseSpec((await runCommand(ctr, ['oci', 'spec'], { signal })).stdout);
        await writeNodeOverlay(overlay, { kind: state.kind!, kubernetesVersion: plan.kubernetesVersion, criBaseJson, binaries: nodeBinaries });
        await assembleNodeImage({
          docker: build.docker,
          tag: plan.tag,
          rootfsTar: state.rootfs.get('node')!,
          rootfsImage: `seedbed/kind-node-rootfs:${pinHash(plan.rootfs.find((r) => r.name === 'node'))}`,
          overlayDir: overlay,
          imageArchives: state.archives,
          expectedImages: state.expectedImages,
          signal,
          clock,
          onInfo: (line) => build.progress.info(line),
        });
      } finally {
        await removeTree(overlay);
      }
    },
  });

  steps.push({
    name: 'save',
    title: 'saving the node image to the cache (docker save)',
    dependencies: ['assemble'],
    run: async ({ signal }) => {
      const { made } = await cache.produce(savedImageName(plan.tag), (tmp) => build.docker.run(['save', '-o', tmp, plan.tag], { signal }).then(() => {}));
      if (!made) markCached('save');
    },
  });
  return steps;
}

async function writeComponentImages(build: BuildEnvironment, state: BuildState, { signal }: TaskContext): Promise<void> {
  const kind = state.kind!;
  const kubeadm = state.binaries.get('kubeadm')!;
  const listed = await runCommand(kubeadm, ['config', 'images', 'list', '--kubernetes-version', build.plan.kubernetesVersion], { signal });
  const requested: RequestedImages = {
    kubeadm: listed.stdout.split('\n'),
    sandboxImage: kind.sandboxImage,
    kindnetdImage: kind.kindnetdImage,
    storageProvisionerImage: kind.storageProvisionerImage,
    storageHelperImage: kind.storageHelperImage,
  };
  const tags = componentTags(requested);
  state.expectedImages = [...tags.values()].flat();
  const base = state.rootfs.get('image-base')!;
  const baseSpec = build.plan.rootfs.find((r) => r.name === 'image-base');
  const source = (from: string) => (from === 'pause' ? state.pause! : state.binaries.get(from));
  const images: ImageArchiveSpec[] = [];
  const keys: string[] = [];
  let layersMade = 0;
  for (const recipe of componentRecipes(CNI_DAEMON_BINARY)) {
    const files = recipe.files.map((f) => {
      const path = source(f.from);
      if (!path) throw new Error(`the ${recipe.component} image needs ${f.from}, which no step provided`);
      return { ...f, path };
    });
    // keyed by everything that goes into the image: recipe, tags, base, and the pins of its binaries
    const key = pinHash({
      recipe,
      tags: tags.get(recipe.component),
      base: recipe.base === 'image-base' ? baseSpec : 'scratch',
      versions: files.map((f) => (f.from === 'pause' ? basename(f.path) : `${f.from} ${binaryVersion(build.plan, f.from)}`)),
    });
    keys.push(key);
    const layers: string[] = recipe.base === 'image-base' ? [base] : [];
    if (files.length) {
      const layer = await build.cache.produce(`layers/${recipe.component}-${key}.tar`, async (tmp) => {
        const dir = `${tmp}-dir`;
        try {
          for (const f of files) {
            const target = join(dir, f.to);
            await mkdir(dirname(target), { recursive: true, mode: 0o755 });
            await copyFile(f.path, target);
            await chmod(target, 0o755);
          }
          await packLayer(dir, tmp, signal);
        } finally {
          await removeTree(dir);
        }
      });
      if (layer.made) layersMade++;
      layers.push(layer.path);
    }
    images.push({ tags: tags.get(recipe.component)!, layers, config: { entrypoint: recipe.entrypoint } });
  }
  // one archive for all of them: the shared base layer is stored (and copied into the node) once
  const archive = await build.cache.produce(`images/components-${pinHash(keys)}.tar`, (tmp) => writeImageArchive(images, tmp, signal));
  state.archives = [archive.path];
  if (!archive.made) build.markCached('images');
  else build.progress.info(`   ${images.length} component images written (${layersMade} new layers)`);
}

function debianMirror(env: NodeJS.ProcessEnv): string {
  const mirror = configuredMirror(env);
  if (!mirror) {
    throw new SeedbedError('NO_DEBIAN_MIRROR', 'no Debian bookworm mirror in /etc/apt/sources.list or /etc/apt/sources.list.d', {
      hint: `set ${MIRROR_ENV}=http://deb.debian.org/debian (or your mirror)`,
    });
  }
  return mirror;
}

function binaryVersion(plan: BuildPlan, name: string): string {
  const step = plan.binarySteps.find((s) => s.binaries.includes(name as BinaryName));
  if (!step) throw new Error(`no build step provides ${name}`);
  return step.version;
}

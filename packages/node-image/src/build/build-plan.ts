/**
 * What one node-image build needs, decided before anything runs: the pins
 * and the tag they give, the Go builds grouped as the binaries cache groups
 * them (one step per cached tool module), and the two rootfs specs.
 */
import { NODE_IMAGE_BINARIES, TOOL_MODULES, moduleVersion, type BinaryName, type ToolModule } from '@seedbed/binaries';
import { SeedbedError } from '@seedbed/core';
import { RECIPE_VERSION, nodeImageTag, type Pins } from '../pins/pins.ts';
import { rootfsSpecs, type RootfsSpec } from '../rootfs/rootfs-spec.ts';

/** The CNI daemon that replaces kindnetd (kindnetd's source is not served by this machine's module proxy). */
export const CNI_DAEMON_BINARY: BinaryName = 'seedbed-cni';

export interface BinaryStep {
  /** Step name, e.g. `binaries-containerd`. */
  name: string;
  title: string;
  /** The pinned version of the module that builds them. */
  version: string;
  binaries: readonly BinaryName[];
}

export interface BuildPlan {
  pins: Pins;
  tag: string;
  kubernetesVersion: string;
  kindVersion: string;
  binarySteps: readonly BinaryStep[];
  rootfs: readonly RootfsSpec[];
}

/** Every binary the image carries: the node's, the component images', the CNI daemon. */
export function imageBinaries(): BinaryName[] {
  return [...new Set<BinaryName>([...NODE_IMAGE_BINARIES, CNI_DAEMON_BINARY])];
}

const cacheName = (tool: ToolModule) => tool.cacheName ?? tool.dir;

/** One build step per cached tool module that provides any of `names`, in catalog order. */
export function binarySteps(names: readonly BinaryName[], versions: Readonly<Record<string, string>>, tools: readonly ToolModule[] = TOOL_MODULES): BinaryStep[] {
  const missing = names.filter((n) => !tools.some((t) => t.binaries[n]));
  if (missing.length) {
    throw new SeedbedError('NO_TOOL_MODULE', `no wrapper module under tools/ builds: ${missing.join(', ')}`, {
      hint: 'add it to TOOL_MODULES in packages/binaries/src/catalog.ts',
    });
  }
  return tools
    .map((tool) => ({ tool, wanted: names.filter((n) => tool.binaries[n]) }))
    .filter(({ wanted }) => wanted.length > 0)
    .map(({ tool, wanted }) => ({
      name: `binaries-${cacheName(tool)}`,
      title: `building ${cacheName(tool)} ${versions[cacheName(tool)]} (${wanted.join(', ')})`,
      version: versions[cacheName(tool)]!,
      binaries: wanted,
    }));
}

export function makePlan(options: { toolsDir?: string } = {}): BuildPlan {
  const names = imageBinaries();
  const tools = TOOL_MODULES.filter((t) => names.some((n) => t.binaries[n]) || t.dir === 'kind');
  const modules = Object.fromEntries(tools.map((t) => [cacheName(t), moduleVersion(t, options.toolsDir)]));
  const rootfs = rootfsSpecs();
  const pins: Pins = { modules, rootfs, recipe: RECIPE_VERSION };
  return {
    pins,
    tag: nodeImageTag(pins),
    kubernetesVersion: modules.kubernetes!,
    kindVersion: modules.kind!,
    binarySteps: binarySteps(names, modules),
    rootfs,
  };
}

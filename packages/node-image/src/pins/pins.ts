/**
 * The pins a node image is built from — every Go module version (read from
 * the wrapper go.mod files under tools/), the Debian suite, mirror and package
 * lists, and the recipe version — and the tag derived from them:
 * `seedbed/kind-node:<kubernetes version>-<12 hex of sha256(pins)>`. Any
 * change of a pin changes the tag, so an image is never reused across pins.
 */
import { createHash } from 'node:crypto';
import { TOOL_MODULES, moduleVersion, type ToolModule } from '@seedbed/binaries';
import type { RootfsSpec } from '../rootfs/rootfs-spec.ts';

/** Bumped whenever a build step changes what it produces for the same pins. */
export const RECIPE_VERSION = 1;
export const NODE_IMAGE_REPOSITORY = 'seedbed/kind-node';

export interface Pins {
  /** Tool module dir under tools/ → pinned version, e.g. `{ kubernetes: 'v1.36.3' }`. */
  modules: Readonly<Record<string, string>>;
  rootfs: readonly RootfsSpec[];
  recipe: number;
}

/** The pinned versions of the given tool modules (default: all of them). */
export function readModulePins(tools: readonly ToolModule[] = TOOL_MODULES, toolsDir?: string): Record<string, string> {
  return Object.fromEntries(tools.map((t) => [t.dir, moduleVersion(t, toolsDir)]));
}

/** A stable serialization: object keys sorted at every level, so key order never changes the hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Hex sha256 of any pinned value, truncated to `length`. */
export function pinHash(value: unknown, length = 12): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);
}

export function kubernetesVersion(pins: Pins): string {
  const version = pins.modules.kubernetes;
  if (!version) throw new Error('the pins name no kubernetes version (tools/kubernetes/go.mod)');
  return version;
}

/** `seedbed/kind-node:v1.36.3-<hash>`. */
export function nodeImageTag(pins: Pins): string {
  return `${NODE_IMAGE_REPOSITORY}:${kubernetesVersion(pins)}-${pinHash(pins)}`;
}

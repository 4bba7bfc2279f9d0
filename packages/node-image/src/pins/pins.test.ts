import { describe, expect, it } from 'vitest';
import { canonicalJson, nodeImageTag, pinHash, readModulePins, type Pins } from './pins.ts';
import { rootfsSpecs } from '../rootfs/rootfs-spec.ts';

const pins = (modules: Record<string, string>): Pins => ({ modules, rootfs: rootfsSpecs(), recipe: 1 });

describe('pins', () => {
  it('hash the same pins to the same tag whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}');
    const a = pins({ kubernetes: 'v1.36.3', containerd: 'v2.3.4' });
    const b = pins({ containerd: 'v2.3.4', kubernetes: 'v1.36.3' });
    expect(nodeImageTag(a)).toBe(nodeImageTag(b));
    expect(nodeImageTag(a)).toMatch(/^seedbed\/kind-node:v1\.36\.3-[0-9a-f]{12}$/);
  });

  it('give a new tag when any pin changes: a module, a package list, the recipe', () => {
    const base = pins({ kubernetes: 'v1.36.3', containerd: 'v2.3.4' });
    const tags = new Set([
      nodeImageTag(base),
      nodeImageTag(pins({ kubernetes: 'v1.36.3', containerd: 'v2.3.5' })),
      nodeImageTag({ ...base, rootfs: [{ ...base.rootfs[0]!, packages: [...base.rootfs[0]!.packages, 'vim'] }, base.rootfs[1]!] }),
      nodeImageTag({ ...base, recipe: 2 }),
    ]);
    expect(tags.size).toBe(4);
    expect(pinHash('x', 8)).toHaveLength(8);
  });

  it('need a kubernetes version for the tag', () => {
    expect(() => nodeImageTag(pins({ containerd: 'v2.3.4' }))).toThrow(/kubernetes/);
  });

  it('read every tool module version from tools/*/go.mod', () => {
    const modules = readModulePins();
    expect(modules.kubernetes).toMatch(/^v1\.36\.\d+$/);
    expect(modules.kind).toMatch(/^v0\.\d+\.\d+$/);
  });
});

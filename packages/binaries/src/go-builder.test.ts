import { describe, expect, it } from 'vitest';
import { SeedbedError } from '@seedbed/core';
import { NODE_IMAGE_BINARIES, TOOL_MODULES, moduleFor, moduleVersion, type ToolModule } from './catalog.ts';
import { checkPrerequisite, goBuildArgs, goBuildEnv } from './go-builder.ts';
import { toolCacheDir } from './resolver.ts';

const tool = (dir: string, cacheName?: string): ToolModule =>
  TOOL_MODULES.find((t) => t.dir === dir && t.cacheName === cacheName) ?? fail(dir);
const fail = (dir: string): never => {
  throw new Error(`no tool module ${dir}`);
};

describe('go build settings', () => {
  it('builds containerd without cgo, with its tags and the pinned version', () => {
    const containerd = tool('containerd');
    const args = goBuildArgs(containerd, 'v2.3.4', 'ctr', '/out/ctr');
    expect(args).toContain('-tags');
    expect(args[args.indexOf('-tags') + 1]).toBe('no_aufs,no_zfs,no_btrfs,no_devmapper');
    expect(args[args.indexOf('-ldflags') + 1]).toContain('-X github.com/containerd/containerd/v2/version.Version=v2.3.4');
    expect(args.slice(-3)).toEqual(['-o', '/out/ctr', 'github.com/containerd/containerd/v2/cmd/ctr']);
    expect(goBuildEnv(containerd, { PATH: '/bin', CGO_ENABLED: '1' })).toMatchObject({ PATH: '/bin', CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' });
  });

  it('builds runc with cgo, the seccomp tag and static linking', () => {
    const runc = tool('runc');
    const args = goBuildArgs(runc, 'v1.4.3', 'runc', '/out/runc');
    expect(args[args.indexOf('-tags') + 1]).toContain('seccomp');
    expect(args[args.indexOf('-ldflags') + 1]).toMatch(/-extldflags -static$/);
    expect(goBuildEnv(runc, {}).CGO_ENABLED).toBe('1');
  });

  it("keeps go's cgo default and adds no tags where a tool sets none", () => {
    const kubernetes = tool('kubernetes');
    const args = goBuildArgs(kubernetes, 'v1.36.3', 'kubectl', '/out/kubectl');
    expect(args).not.toContain('-tags');
    expect(args[args.indexOf('-ldflags') + 1]).not.toContain('-extldflags');
    expect(goBuildEnv(kubernetes, { CGO_ENABLED: '1' }).CGO_ENABLED).toBe('1');
    expect(goBuildEnv(kubernetes, {})).not.toHaveProperty('CGO_ENABLED');
  });
});

describe('build prerequisites', () => {
  const withCheck = (command: string[]): ToolModule => ({ ...tool('runc'), prerequisite: { command, hint: 'install libfoo-dev' } });

  it('fails before building, naming the binaries, the check and what to install', async () => {
    const error = await checkPrerequisite(withCheck(['sh', '-c', 'exit 1'])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeedbedError);
    expect((error as SeedbedError).describe()).toMatch(/cannot build runc: `sh -c exit 1` failed\n {2}hint: install libfoo-dev/);
    await expect(checkPrerequisite(withCheck(['true']))).resolves.toBeUndefined();
  });

  it('checks for libseccomp before building runc', () => {
    expect(tool('runc').prerequisite?.command).toEqual(['pkg-config', '--exists', 'libseccomp']);
    expect(tool('runc').prerequisite?.hint).toMatch(/apt-get install libseccomp-dev pkg-config/);
  });
});

describe('node image binaries', () => {
  it('each has exactly one tool module', () => {
    for (const name of NODE_IMAGE_BINARIES) {
      expect(TOOL_MODULES.filter((t) => t.binaries[name]), name).toHaveLength(1);
      expect(moduleFor(name).binaries[name]).toBeTruthy();
    }
  });

  it('kubelet shares the control plane pin but not its cache directory', () => {
    const controlPlane = tool('kubernetes');
    const node = moduleFor('kubelet');
    expect(node).not.toBe(controlPlane);
    expect(moduleVersion(node)).toBe(moduleVersion(controlPlane));
    // same build settings, so the two share Go's build cache
    expect([node.cgo, node.tags, node.static]).toEqual([controlPlane.cgo, controlPlane.tags, controlPlane.static]);
    const env = { SEEDBED_CACHE_DIR: '/cache' };
    expect(toolCacheDir(node, 'v1.36.3', env)).toMatch(/\/bin\/kubernetes-node-v1\.36\.3-/);
    expect(toolCacheDir(controlPlane, 'v1.36.3', env)).toMatch(/\/bin\/kubernetes-v1\.36\.3-/);
  });

  it('reads every node tool version from its wrapper go.mod', () => {
    const versions = Object.fromEntries(NODE_IMAGE_BINARIES.map((n) => [n, moduleVersion(moduleFor(n))]));
    expect(versions).toMatchObject({ containerd: 'v2.3.4', runc: 'v1.4.3', ptp: 'v1.9.1', crictl: 'v1.36.0', coredns: 'v1.14.2' });
    expect(versions['local-path-provisioner']).toBe('v0.0.30');
  });
});

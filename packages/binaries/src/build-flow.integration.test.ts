import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FlowError, commandExists, consoleProgress, runCommand } from '@seedbed/core';
import type { ToolModule } from './catalog.ts';
import { buildTools } from './build-flow.ts';

const haveGo = await commandExists('go');
const root = mkdtempSync(join(tmpdir(), 'seedbed-build-flow-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A wrapper module like those under tools/, with two stdlib-only commands (and one that does not compile). */
function toolsDir(): string {
  const dir = join(root, 'tools');
  const mod = join(dir, 'tiny');
  const main = (name: string, body: string) => {
    mkdirSync(join(mod, 'cmd', name), { recursive: true });
    writeFileSync(join(mod, 'cmd', name, 'main.go'), `package main\n\n${body}\n`);
  };
  mkdirSync(mod, { recursive: true });
  writeFileSync(join(mod, 'go.mod'), 'module example.com/tiny\n\ngo 1.26\n');
  main('hello', 'import "fmt"\n\nvar version = "dev"\n\nfunc main() { fmt.Println("hello", version) }');
  main('world', 'import "os"\n\nfunc main() { os.Stdout.WriteString("world\\n") }');
  main('broken', 'func main() { undefined() }');
  return dir;
}

// the catalog's binary names stand in for the tiny module's commands
const tiny: ToolModule = {
  dir: 'tiny',
  module: 'example.com/tiny',
  binaries: { etcd: 'example.com/tiny/cmd/hello', kwok: 'example.com/tiny/cmd/world' },
  ldflags: (version) => [`-X main.version=${version}`],
};

describe.skipIf(!haveGo)('buildTools (needs go on PATH)', () => {
  const tools = toolsDir();

  it('builds every binary as a named step, says why first, and moves the result into the cache', async () => {
    const lines: string[] = [];
    const targetDir = join(root, 'cache', 'bin', 'tiny-v0.1.0-linux-x64');
    // what a build killed before it could clean up leaves (no process has pid 2^22 + 1: above pid_max's limit)
    mkdirSync(`${targetDir}.tmp-4194305`, { recursive: true });
    await buildTools({
      builds: [{ tool: tiny, version: 'v0.1.0', targetDir }],
      toolsDir: tools,
      binDir: join(root, 'cache', 'bin'),
      firstRun: true,
      cores: 2,
      progress: consoleProgress((l) => lines.push(l), { tty: false }),
    });
    expect(lines[0]).toBe(`first run on this machine: building etcd, kwok (example.com/tiny v0.1.0) from source with go; cached in ${join(root, 'cache', 'bin')}`);
    expect(lines[1]).toMatch(/^ ✓ 2 binaries, \d+ packages to compile: about 1 minute on 2 cores \([\d.]+m?s\)$/);
    expect(lines.filter((l) => l.startsWith(' ✓ ['))).toEqual([
      expect.stringMatching(/^ ✓ \[1\/2\] etcd \(example.com\/tiny@v0.1.0\) \(\d+ of \d+ packages compiled, [\d.]+m?s\)$/),
      expect.stringMatching(/^ ✓ \[2\/2\] kwok \(example.com\/tiny@v0.1.0\) \(\d+ of \d+ packages compiled, [\d.]+m?s\)$/),
    ]);
    expect(lines.at(-1)).toMatch(/^ ✓ built 2 binaries \(/);
    expect((await runCommand(join(targetDir, 'etcd'), [])).stdout).toBe('hello v0.1.0\n');
    expect((await runCommand(join(targetDir, 'kwok'), [])).stdout).toBe('world\n');
    expect(readdirSync(join(root, 'cache', 'bin'))).toEqual(['tiny-v0.1.0-linux-x64']);
  }, 240_000);

  it('a failing step fails the flow by name, marks the step ✗ and leaves no cache entry or temp directory', async () => {
    const lines: string[] = [];
    const broken: ToolModule = { ...tiny, cacheName: 'tiny-broken', binaries: { etcd: 'example.com/tiny/cmd/hello', kind: 'example.com/tiny/cmd/broken' } };
    const bin = join(root, 'broken-cache', 'bin');
    const targetDir = join(bin, 'tiny-broken-v0.1.0-linux-x64');
    const error = await buildTools({
      builds: [{ tool: broken, version: 'v0.1.0', targetDir }],
      toolsDir: tools,
      binDir: bin,
      firstRun: false,
      progress: consoleProgress((l) => lines.push(l), { tty: false }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowError);
    expect((error as FlowError).message).toMatch(/task "build kind": .*undefined: undefined/s);
    expect(lines[0]).toMatch(/^not in the cache yet/);
    expect(lines.some((l) => l.startsWith(' ✗ [2/2] kind (example.com/tiny@v0.1.0)'))).toBe(true);
    expect(existsSync(targetDir)).toBe(false);
    expect(existsSync(bin) ? readdirSync(bin) : []).toEqual([]);
  }, 240_000);
});

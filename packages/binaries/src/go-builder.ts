/**
 * The go commands behind a build: `go build` of one binary with the tool's
 * tags, link flags and cgo setting (offline through the Go module proxy),
 * `go list` of the packages each binary needs, and the tool's prerequisite
 * check. build-flow.ts puts them in order and reports progress.
 */
import { join } from 'node:path';
import { SeedbedError, runCommand } from '@seedbed/core';
import type { ToolModule, BinaryName } from './catalog.ts';

/** `go build` arguments for one binary, with the tool's tags and link settings. */
export function goBuildArgs(tool: ToolModule, version: string, name: BinaryName, output: string): string[] {
  const ldflags = ['-s', '-w', ...tool.ldflags(version), ...(tool.static ? ['-extldflags', '-static'] : [])];
  const tags = tool.tags?.length ? ['-tags', tool.tags.join(',')] : [];
  return ['build', '-v', '-trimpath', ...tags, '-ldflags', ldflags.join(' '), '-o', output, tool.binaries[name]!];
}

/** The environment of `go build`: offline-safe module mode, and CGO_ENABLED when the tool sets it. */
export function goBuildEnv(tool: ToolModule, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const cgo = tool.cgo === undefined ? {} : { CGO_ENABLED: tool.cgo ? '1' : '0' };
  return { ...env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly', ...cgo };
}

/** Fails with what to install when the tool's prerequisite check (e.g. a C library for cgo) fails. */
export async function checkPrerequisite(tool: ToolModule): Promise<void> {
  if (!tool.prerequisite) return;
  const [command, ...args] = tool.prerequisite.command;
  // failing is the check's expected answer when something is missing; the hint says what
  const ok = await runCommand(command!, args).then(
    () => true,
    () => false,
  );
  if (!ok) {
    throw new SeedbedError('BUILD_PREREQUISITE_MISSING', `cannot build ${Object.keys(tool.binaries).join(', ')}: \`${tool.prerequisite.command.join(' ')}\` failed`, {
      hint: tool.prerequisite.hint,
    });
  }
}

/**
 * Every package each binary's build needs (`go list -deps`, counted from the
 * binary's own package plus its .Deps), one go invocation per tool module.
 */
export async function listPackages(
  tool: ToolModule,
  names: readonly BinaryName[],
  options: { toolsDir: string; go?: string; signal?: AbortSignal },
): Promise<Map<BinaryName, readonly string[]>> {
  const packages = names.map((n) => tool.binaries[n]!);
  const tags = tool.tags?.length ? ['-tags', tool.tags.join(',')] : [];
  const { stdout } = await runCommand(options.go ?? 'go', ['list', ...tags, '-f', '{{.ImportPath}} {{join .Deps " "}}', ...packages], {
    cwd: join(options.toolsDir, tool.dir),
    env: goBuildEnv(tool, process.env),
    signal: options.signal,
  });
  const byPackage = new Map(
    stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [pkg, ...deps] = line.trim().split(/\s+/);
        return [pkg!, [pkg!, ...deps]] as const;
      }),
  );
  return new Map(names.map((n) => [n, byPackage.get(tool.binaries[n]!) ?? [tool.binaries[n]!]]));
}

/**
 * `go build` of one binary into `output`; `onPackage` is called for every
 * package go compiles (`-v` names each; cached ones are not named).
 */
export async function goBuild(
  tool: ToolModule,
  version: string,
  name: BinaryName,
  output: string,
  options: { toolsDir: string; go?: string; signal?: AbortSignal; onPackage?: (pkg: string) => void },
): Promise<void> {
  let partial = '';
  await runCommand(options.go ?? 'go', goBuildArgs(tool, version, name, output), {
    cwd: join(options.toolsDir, tool.dir),
    env: goBuildEnv(tool, process.env),
    signal: options.signal,
    onOutput: (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        // `go: downloading …` and compiler messages (`# pkg`, indented) are not packages
        if (/^[^\s#]/.test(line) && !line.startsWith('go: ')) options.onPackage?.(line.trim());
      }
    },
  });
}

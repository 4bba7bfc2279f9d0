/**
 * Builds a tool module's binaries with `go build` (offline through the Go
 * module proxy), into a temp directory that is renamed into the cache only
 * when every binary is built, so an interrupted build never leaves a partial
 * cache entry. Shows progress: `go build -v` names each package it compiles.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SeedbedError, runCommand, formatDuration, systemClock, type Clock, type Progress } from '@seedbed/core';
import type { ToolModule, BinaryName } from './catalog.ts';

export const PROGRESS_INTERVAL_MS = 15_000;

export interface BuildOptions {
  tool: ToolModule;
  version: string;
  toolsDir: string;
  targetDir: string;
  go?: string;
  progress: Progress;
  signal?: AbortSignal;
  clock?: Clock;
}

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

export async function buildTool(options: BuildOptions): Promise<void> {
  const { tool, version, targetDir, progress } = options;
  const clock = options.clock ?? systemClock;
  await checkPrerequisite(tool);
  const tmp = `${targetDir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const started = clock.now();
  let packages = 0;
  let lastReport = started;
  const names = Object.keys(tool.binaries) as BinaryName[];
  const label = tool.cacheName ?? tool.dir;
  progress.step(`build ${names.join(', ')} ${version} with go (takes minutes on 2 cores, once per machine)`, 'start');
  try {
    for (const name of names) {
      await runCommand(
        options.go ?? 'go',
        goBuildArgs(tool, version, name, join(tmp, name)),
        {
          cwd: join(options.toolsDir, tool.dir),
          env: goBuildEnv(tool, process.env),
          signal: options.signal,
          onOutput: (chunk) => {
            packages += chunk.split('\n').filter((l) => l && !l.startsWith('go: ')).length;
            if (clock.now() - lastReport >= PROGRESS_INTERVAL_MS) {
              lastReport = clock.now();
              progress.info(`   … ${label}: ${packages} packages compiled, ${formatDuration(clock.now() - started)} elapsed`);
            }
          },
        },
      );
    }
    if (existsSync(targetDir)) await rm(targetDir, { recursive: true, force: true });
    await rename(tmp, targetDir);
    progress.step(`build ${label} ${version}`, 'done', formatDuration(clock.now() - started));
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    progress.step(`build ${label} ${version}`, 'failed');
    throw error;
  }
}

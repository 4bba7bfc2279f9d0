/**
 * Builds the binaries of the tool modules missing from the cache as a flow of
 * named steps, one binary after the other (go build uses every core itself):
 * after a first line saying why, `go list` counts each binary's packages, then each binary is built
 * into its tool's temp directory, and a tool's directory is renamed into the
 * cache only when all its binaries are built, so an interrupted build never
 * leaves a partial cache entry. Progress: build-progress.ts.
 */
import { availableParallelism } from 'node:os';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Flow, formatDuration, systemClock, type Clock, type Progress, type Task } from '@seedbed/core';
import type { BinaryName, ToolModule } from './catalog.ts';
import { checkPrerequisite, goBuild, listPackages } from './go-builder.ts';
import { BuildReporter, planLine, whyLine, type BuildStep } from './build-progress.ts';

export interface ToolBuild {
  tool: ToolModule;
  version: string;
  /** The cache directory its binaries end up in. */
  targetDir: string;
}

export interface BuildToolsOptions {
  builds: readonly ToolBuild[];
  toolsDir: string;
  /** The cache's bin directory, named in the first line. */
  binDir: string;
  /** Nothing was cached before: the first line says "first run on this machine". */
  firstRun: boolean;
  go?: string;
  progress: Progress;
  signal?: AbortSignal;
  clock?: Clock;
  cores?: number;
}

interface PlannedBinary {
  build: ToolBuild;
  name: BinaryName;
  step: BuildStep;
}

/** One step per binary, with the packages it adds to what the earlier steps compile. */
async function plan(options: BuildToolsOptions): Promise<PlannedBinary[]> {
  const seen = new Set<string>();
  const planned: Array<Omit<PlannedBinary, 'step'> & { packages: number }> = [];
  for (const build of options.builds) {
    const names = Object.keys(build.tool.binaries) as BinaryName[];
    const deps = await listPackages(build.tool, names, { toolsDir: options.toolsDir, go: options.go, signal: options.signal });
    for (const name of names) {
      const added = (deps.get(name) ?? []).filter((pkg) => !seen.has(pkg));
      for (const pkg of added) seen.add(pkg);
      planned.push({ build, name, packages: added.length });
    }
  }
  return planned.map((p, i) => ({
    build: p.build,
    name: p.name,
    step: { index: i + 1, total: planned.length, binary: p.name, module: p.build.tool.module, version: p.build.version, packages: p.packages },
  }));
}

const tempDir = (build: ToolBuild) => `${build.targetDir}.tmp-${process.pid}`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs as another user
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temp directories of builds whose process is gone (killed before it could clean up). */
async function removeAbandoned(build: ToolBuild): Promise<void> {
  const dir = dirname(build.targetDir);
  if (!existsSync(dir)) return;
  const prefix = `${basename(build.targetDir)}.tmp-`;
  const abandoned = readdirSync(dir).filter((name) => name.startsWith(prefix) && !alive(Number(name.slice(prefix.length))));
  await Promise.all(abandoned.map((name) => rm(join(dir, name), { recursive: true, force: true })));
}

export async function buildTools(options: BuildToolsOptions): Promise<void> {
  const clock = options.clock ?? systemClock;
  for (const { tool } of options.builds) await checkPrerequisite(tool);
  for (const build of options.builds) await removeAbandoned(build);
  const modules = options.builds.map((b) => ({ module: b.tool.module, version: b.version, binaries: Object.keys(b.tool.binaries) }));
  options.progress.info(whyLine({ firstRun: options.firstRun, modules, binDir: options.binDir }));
  const planning = 'count the packages (go list -deps; a first run downloads the pinned modules)';
  options.progress.live?.(` • ${planning}`);
  const planStarted = clock.now();
  const binaries = await plan(options).catch((error: unknown) => {
    options.progress.step(planning, 'failed');
    throw error;
  });
  options.progress.step(planLine(binaries.map((b) => b.step), options.cores ?? availableParallelism()), 'done', formatDuration(clock.now() - planStarted));
  const reporter = new BuildReporter(options.progress, clock);
  const tasks: Task[] = [];
  let previous: string | undefined;
  const chain = (task: Task) => {
    tasks.push({ ...task, dependencies: previous ? [previous] : [] });
    previous = task.name;
  };
  for (const build of options.builds) {
    const label = build.tool.cacheName ?? build.tool.dir;
    for (const { name, step } of binaries.filter((b) => b.build === build)) {
      chain({
        name: `build ${name}`,
        run: async ({ signal }) => {
          await mkdir(tempDir(build), { recursive: true });
          reporter.start(step);
          try {
            await goBuild(build.tool, build.version, name, join(tempDir(build), name), {
              toolsDir: options.toolsDir,
              go: options.go,
              signal,
              onPackage: () => reporter.compiled(),
            });
          } catch (error) {
            reporter.failed();
            throw error;
          }
          reporter.done();
        },
      });
    }
    chain({
      name: `cache ${label} ${build.version}`,
      run: async () => {
        if (existsSync(build.targetDir)) await rm(build.targetDir, { recursive: true, force: true });
        await rename(tempDir(build), build.targetDir);
      },
    });
  }
  const started = clock.now();
  try {
    await new Flow('build binaries', tasks).run({ signal: options.signal, clock });
  } finally {
    // a finished tool's temp directory was renamed away; these are the unfinished ones
    await Promise.all(options.builds.map((b) => rm(tempDir(b), { recursive: true, force: true })));
  }
  options.progress.step(`built ${binaries.length} binaries`, 'done', formatDuration(clock.now() - started));
}

/** `seedbed binaries`: where the Go-built binaries are, building them when missing. */
import { Command } from 'commander';
import { ALL_BINARIES, cacheRoot, resolveBinaries } from '@seedbed/binaries';
import { consoleProgress } from '@seedbed/core';

export function binariesCommand(): Command {
  const binaries = new Command('binaries').description('the pinned Kubernetes binaries seedbed builds from tools/');
  binaries
    .command('build')
    .description('resolve every binary, building missing ones with go (once per machine)')
    .action(async () => {
      const found = await resolveBinaries({ names: ALL_BINARIES, progress: consoleProgress() });
      console.log(`binaries (${found.source}): ${found.describe()}`);
      for (const name of ALL_BINARIES) console.log(`  ${name.padEnd(24)} ${found.path(name)}`);
    });
  binaries
    .command('path')
    .description('print the per-user cache directory')
    .action(() => console.log(cacheRoot()));
  return binaries;
}

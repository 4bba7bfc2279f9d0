#!/usr/bin/env -S npx tsx
/**
 * Resolves (and on a fresh machine builds) every Go-built binary seedbed uses
 * and prints where each one is. Run: npm run binaries
 */
import { echo } from 'zx';
import { ALL_BINARIES, resolveBinaries } from '@seedbed/binaries';
import { consoleProgress, describeError } from '@seedbed/core';

try {
  const binaries = await resolveBinaries({ names: ALL_BINARIES, progress: consoleProgress() });
  echo(`binaries (${binaries.source}): ${binaries.describe()}`);
  for (const name of ALL_BINARIES) echo(`  ${name.padEnd(24)} ${binaries.path(name)}`);
} catch (error) {
  echo(`error: ${describeError(error)}`);
  process.exitCode = 1;
}

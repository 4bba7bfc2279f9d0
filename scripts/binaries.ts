#!/usr/bin/env -S npx tsx
/**
 * Resolves (and on a fresh machine builds) every Go-built binary seedbed uses
 * and prints where each one is. Run: npm run binaries
 * `npm run binaries -- --node-image` does the same for the kind node image's binaries,
 * `npm run binaries -- crictl runc` for the binaries named.
 */
import { echo } from 'zx';
import { ALL_BINARIES, NODE_IMAGE_BINARIES, TOOL_MODULES, resolveBinaries, type BinaryName } from '@seedbed/binaries';
import { consoleProgress, describeError } from '@seedbed/core';

const known = new Set(TOOL_MODULES.flatMap((t) => Object.keys(t.binaries)));
const args = process.argv.slice(2);
const named = args.filter((a) => !a.startsWith('--'));
const unknown = named.filter((n) => !known.has(n));
if (unknown.length) {
  echo(`error: no such binary: ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  process.exit(2);
}
const names: readonly BinaryName[] = named.length ? (named as BinaryName[]) : args.includes('--node-image') ? NODE_IMAGE_BINARIES : ALL_BINARIES;
try {
  const binaries = await resolveBinaries({ names, progress: consoleProgress() });
  echo(`binaries (${binaries.source}): ${binaries.describe()}`);
  for (const name of names) echo(`  ${name.padEnd(24)} ${binaries.path(name)}`);
} catch (error) {
  echo(`error: ${describeError(error)}`);
  process.exitCode = 1;
}

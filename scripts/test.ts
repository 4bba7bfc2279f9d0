#!/usr/bin/env -S npx tsx
/**
 * `npm test`: every test of every package (unit and integration) in one vitest
 * run. Binaries are resolved first by vitest's global setup (built with go on a
 * fresh machine). Ends with one summary line: "vitest: N passed, N failed, N skipped".
 * Extra arguments go to vitest (e.g. `npm test -- packages/core`).
 */
import { readFileSync } from 'node:fs';
import { $, echo } from 'zx';

const report = 'reports/vitest.json';
$.verbose = false;
// the project's pinned runtime when run through npm (node_modules/.bin first on PATH)
echo(`npm test on Node ${process.version} (${process.execPath})`);
const run = await $({ stdio: 'inherit', nothrow: true })`vitest run --reporter=default --reporter=json --outputFile.json=${report} ${process.argv.slice(2)}`;

interface Summary {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}
try {
  const s = JSON.parse(readFileSync(report, 'utf8')) as Summary;
  echo(`vitest: ${s.numPassedTests} passed, ${s.numFailedTests} failed, ${s.numPendingTests + s.numTodoTests} skipped`);
} catch {
  echo('vitest: 0 passed, 1 failed (no report was written: vitest could not start)');
  process.exitCode = 1;
}
process.exitCode ||= run.exitCode ?? 1;

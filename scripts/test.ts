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
  testResults: { status: string; assertionResults: { status: string }[] }[];
}
try {
  const s = JSON.parse(readFileSync(report, 'utf8')) as Summary;
  // a file that failed outside its tests (a beforeAll, an import) has no failed test of its own: count it as one
  const failedFiles = s.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')).length;
  echo(`vitest: ${s.numPassedTests} passed, ${s.numFailedTests + failedFiles} failed, ${s.numPendingTests + s.numTodoTests} skipped`);
} catch {
  echo('vitest: 0 passed, 1 failed (no report was written: vitest could not start)');
  process.exitCode = 1;
}
process.exitCode ||= run.exitCode ?? 1;

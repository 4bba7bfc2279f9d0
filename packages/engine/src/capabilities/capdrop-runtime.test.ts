/**
 * The capability-dropping OCI runtime is Go (tools/capdrop-runc); its tests
 * run with `go test` from here so `npm test` runs them.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandExists, runCommand } from '@seedbed/core';

const moduleDir = fileURLToPath(new URL('../../../../tools/capdrop-runc/', import.meta.url));
const haveGo = await commandExists('go');

describe('capdrop-runc (Go)', () => {
  it.skipIf(!haveGo)('passes go test (needs go on PATH)', { timeout: 180_000 }, async () => {
    const { stdout } = await runCommand('go', ['test', '-count=1', '-v', './...'], {
      cwd: moduleDir,
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly' },
    });
    expect(stdout).toMatch(/^ok\s+seedbed\.dev\/tools\/capdrop-runc/m);
    expect(stdout).toContain('--- PASS: TestCreateDropsWhatTheHostLacksFromEverySet');
    expect(stdout).not.toContain('--- FAIL');
  });
});

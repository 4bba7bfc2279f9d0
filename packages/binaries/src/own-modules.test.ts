import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandExists, runCommand } from '@seedbed/core';
import { TOOLS_DIR, TOOL_MODULES } from './catalog.ts';

/** seedbed's own Go modules under tools/ (no upstream pin) that have Go tests. */
const ownModules = TOOL_MODULES.filter(
  (t) => t.ownSource && existsSync(join(TOOLS_DIR, t.dir)) && readdirSync(join(TOOLS_DIR, t.dir)).some((f) => f.endsWith('_test.go')),
).map((t) => t.dir);
const hasGo = await commandExists('go');

describe.skipIf(!hasGo)("Go tests of seedbed's own modules under tools/ (needs go on PATH)", () => {
  it('finds the CNI daemon among them', () => {
    expect(ownModules).toContain('seedbed-cni');
  });

  it.each(ownModules)(
    'tools/%s: go test ./... passes',
    async (dir) => {
      let output = '';
      const outcome = await runCommand('go', ['test', '-count=1', './...'], {
        cwd: join(TOOLS_DIR, dir),
        env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly' },
        onOutput: (chunk) => (output += chunk),
        // a failure is reported below with go's whole output, not just the error's last lines
      }).then(
        () => 'passed',
        () => 'failed',
      );
      expect(outcome, `go test ./... in tools/${dir}:\n${output}`).toBe('passed');
    },
    300_000,
  );
});

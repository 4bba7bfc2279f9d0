import { defineConfig } from 'vitest/config';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * One vitest project per workspace package. Integration tests are named
 * `*.integration.test.ts`: they start real processes (clusters, registries)
 * and need the Go-built binaries, which the global setup resolves (building
 * them once per machine if needed) before any test runs.
 */
const packages = readdirSync(new URL('./packages/', import.meta.url)).filter((name) =>
  existsSync(new URL(`./packages/${name}/package.json`, import.meta.url)),
);

export default defineConfig({
  test: {
    globalSetup: [fileURLToPath(new URL('./scripts/vitest-global-setup.ts', import.meta.url))],
    reporters: ['default'],
    projects: [
      ...packages.map((name) => ({
        extends: true,
        test: {
          name: `@seedbed/${name}`,
          root: `./packages/${name}`,
          include: ['src/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      })),
      {
        extends: true,
        test: { name: '@seedbed/scenarios', root: './scenarios', include: ['*.test.ts'], testTimeout: 240_000 },
      },
    ],
  },
});

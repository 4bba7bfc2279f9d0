/**
 * Production build: bundles `src/main.ts` with its dependencies
 * (@seedbed/core, commander, yaml) into one ES module,
 * `dist/registry-cache.mjs`, that runs under plain `node` — no tsx loader,
 * which alone costs ~90 MiB of RSS and start-up time.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const BUNDLE_PATH = fileURLToPath(new URL('../../dist/registry-cache.mjs', import.meta.url));

/** commander is CommonJS; bundled into ESM it needs a real `require` for Node built-ins. */
const REQUIRE_SHIM = "import { createRequire as __seedbedCreateRequire } from 'node:module';\nconst require = __seedbedCreateRequire(import.meta.url);";

/** Builds the bundle; resolves with its path. */
export async function bundleRegistryCache(outfile = BUNDLE_PATH): Promise<string> {
  await build({
    entryPoints: [fileURLToPath(new URL('../main.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node26', // the project's pinned runtime (package.json optionalDependencies)
    sourcemap: true,
    legalComments: 'none',
    banner: { js: `#!/usr/bin/env node\n${REQUIRE_SHIM}` },
    logLevel: 'warning',
  });
  return outfile;
}

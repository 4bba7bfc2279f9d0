/** `npm run build -w @seedbed/registry-cache`: writes dist/registry-cache.mjs (see bundle.ts). */
import { bundleRegistryCache } from './bundle.ts';

process.stdout.write(`${await bundleRegistryCache()}\n`);

/**
 * Stand-alone entry point: `npx tsx packages/registry-cache/src/main.ts registry-cache serve ...`.
 * The seedbed CLI mounts `registryCacheCommand()` the same way.
 */
import { Command } from 'commander';
import { registryCacheCommand } from './cli/registry-cache-command.ts';

const program = new Command('seedbed').addCommand(registryCacheCommand());
await program.parseAsync(process.argv);

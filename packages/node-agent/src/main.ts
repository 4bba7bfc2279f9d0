/**
 * Stand-alone entry point: `npx tsx packages/node-agent/src/main.ts node-agent run ...`.
 * The seedbed CLI mounts `nodeAgentCommand()` the same way.
 */
import { Command } from 'commander';
import { nodeAgentCommand } from './cli/node-agent-command.ts';

await new Command('seedbed').addCommand(nodeAgentCommand()).parseAsync(process.argv);

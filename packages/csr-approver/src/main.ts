/**
 * Stand-alone entry point: `npx tsx packages/csr-approver/src/main.ts csr-approver run --kubeconfig F`.
 * The seedbed CLI mounts `csrApproverCommand()` the same way.
 */
import { Command } from 'commander';
import { csrApproverCommand } from './cli/csr-approver-command.ts';

await new Command('seedbed').addCommand(csrApproverCommand()).parseAsync(process.argv);

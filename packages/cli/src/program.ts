/** The `seedbed` command tree. */
import { Command } from 'commander';
import { csrApproverCommand } from '@seedbed/csr-approver';
import { nodeAgentCommand } from '@seedbed/node-agent';
import { registryCacheCommand } from '@seedbed/registry-cache';
import { rolloutCommand } from '@seedbed/rollout';
import { downCommand, scenarioCommand, shootCommand, upCommand } from '@seedbed/landscape';
import { binariesCommand } from './commands/binaries-command.ts';
import { clusterCommand } from './commands/cluster-command.ts';
import { doctorCommand } from './commands/doctor-command.ts';
import { engineCommand } from './commands/engine-command.ts';
import { nodeImageCommand } from './commands/node-image-command.ts';

export function createProgram(): Command {
  const program = new Command('seedbed')
    .description('local Gardener landscapes (garden/seed cluster plus shoots) in IPv4, IPv6-only and dual-stack')
    .version(`0.1.0 (node ${process.version})`)
    .showHelpAfterError()
    .enablePositionalOptions();
  program.addCommand(doctorCommand());
  program.addCommand(clusterCommand());
  program.addCommand(binariesCommand());
  program.addCommand(engineCommand());
  program.addCommand(nodeImageCommand());
  program.addCommand(registryCacheCommand());
  program.addCommand(scenarioCommand());
  program.addCommand(csrApproverCommand());
  program.addCommand(nodeAgentCommand());
  program.addCommand(rolloutCommand());
  program.addCommand(shootCommand());
  program.addCommand(upCommand());
  program.addCommand(downCommand());
  return program;
}

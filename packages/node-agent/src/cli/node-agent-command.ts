/**
 * `node-agent run|bootstrap-token`: the agent's command line, a commander
 * Command the seedbed CLI mounts. `bootstrap-token` (admin) creates a token
 * and the TLS-bootstrap RBAC and writes a bootstrap kubeconfig; `run` is one
 * node's agent until SIGINT/SIGTERM.
 */
import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { loadKubeConfig } from '@seedbed/cluster';
import { describeError, untilInterrupted } from '@seedbed/core';
import { DEFAULT_TOKEN_TTL_MS, bootstrapKubeConfig, createBootstrapToken } from '../bootstrap/bootstrap-token.ts';
import { KUBELET_PORT, NodeAgent, describeAgentEvent } from '../agent/node-agent.ts';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port 0-65535 (0: do not serve)');
  return n;
};
const seconds = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 60) throw new InvalidArgumentError('must be whole seconds, at least 60');
  return n;
};


export function nodeAgentCommand(): Command {
  const command = new Command('node-agent').description('kubelet-like TLS bootstrap and serving certificates for a node');
  command
    .command('bootstrap-token')
    .description('create a bootstrap token (and the TLS-bootstrap RBAC) and write a bootstrap kubeconfig')
    .option('--kubeconfig <file>', 'admin kubeconfig (default: $KUBECONFIG or ~/.kube/config)')
    .requiredOption('--output <file>', 'where to write the bootstrap kubeconfig')
    .option('--ttl-seconds <n>', 'token lifetime', seconds, DEFAULT_TOKEN_TTL_MS / 1000)
    .action(async (flags: { kubeconfig?: string; output: string; ttlSeconds: number }) => {
      try {
        const admin = loadKubeConfig(flags.kubeconfig);
        const token = await createBootstrapToken(admin, { ttlMs: flags.ttlSeconds * 1000 });
        await writeFile(flags.output, bootstrapKubeConfig(admin, token).exportConfig(), { mode: 0o600 });
        console.log(`bootstrap token ${token.id} (expires ${token.expires.toISOString()}) → ${flags.output}`);
      } catch (error) {
        console.error(describeError(error));
        process.exitCode = 1;
      }
    });
  command
    .command('run')
    .description("bootstrap, get and rotate the node's serving certificate, serve HTTPS on its bindable addresses until SIGINT/SIGTERM")
    .requiredOption('--node <name>', 'the Node this agent is')
    .requiredOption('--bootstrap-kubeconfig <file>', 'kubeconfig with a bootstrap token (see node-agent bootstrap-token)')
    .requiredOption('--cert-dir <dir>', 'where the client and serving certificates are kept')
    .option('--port <n>', 'HTTPS port on the node addresses (0: do not serve)', port, KUBELET_PORT)
    .option('--netns <name>', "serve HTTPS inside this network namespace (ip netns), where the node's addresses are")
    .action(async (flags: { node: string; bootstrapKubeconfig: string; certDir: string; port: number; netns?: string }) => {
      const agent = new NodeAgent({
        nodeName: flags.node,
        bootstrapKubeConfig: loadKubeConfig(flags.bootstrapKubeconfig),
        certDir: flags.certDir,
        port: flags.port === 0 ? undefined : flags.port,
        netns: flags.netns,
        onEvent: (event) => (event.type === 'error' ? console.error : console.log)(describeAgentEvent(flags.node, event)),
      });
      try {
        await agent.start();
      } catch (error) {
        console.error(describeError(error));
        await agent.stop();
        process.exitCode = 1;
        return;
      }
      await untilInterrupted();
      await agent.stop();
    });
  return command;
}

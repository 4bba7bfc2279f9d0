/** `seedbed shoot node-config NAME`: the containerd configuration the gardenlet wrote for a shoot's nodes. */
import { Command } from 'commander';
import { KubeRaw, loadKubeConfig } from '@seedbed/cluster';
import { SeedbedError } from '@seedbed/core';
import { NODE_CONFIG_MAP } from '@seedbed/gardenlet';
import { technicalId } from '@seedbed/gardener-api';
import { runningLandscapeKubeconfig } from './landscape-command.ts';

export function shootCommand(): Command {
  const command = new Command('shoot').description('inspect shoots of the running landscape');
  command
    .command('node-config')
    .description("print each node's certs.d/<upstream>/hosts.toml (and /etc/hosts entries) of a shoot with the registry-cache extension")
    .argument('<name>', 'shoot name')
    .option('--project <project>', 'project of the shoot', 'local')
    .option('--node <node>', 'only this node')
    .option('--kubeconfig <file>', 'garden kubeconfig (default: the landscape `seedbed up` runs)')
    .action(async (name: string, options: { project: string; node?: string; kubeconfig?: string }) => {
      const raw = new KubeRaw(loadKubeConfig(options.kubeconfig ?? runningLandscapeKubeconfig()));
      const namespace = technicalId(options.project, name);
      const config = await raw.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${namespace}/configmaps/${NODE_CONFIG_MAP}`).catch(() => {
        throw new SeedbedError('NO_NODE_CONFIG', `shoot ${options.project}/${name} has no node configuration`, { hint: 'it needs the registry-cache extension, and its last operation must have succeeded' });
      });
      const entries = Object.entries(config.data ?? {}).filter(([key]) => !options.node || key.startsWith(`${options.node}_`)).sort();
      for (const [key, content] of entries) {
        const [node, ...rest] = key.split('_');
        const file = rest.join('_') === 'etc_hosts' ? '/etc/hosts' : `/etc/containerd/certs.d/${rest.slice(0, -1).join(':')}/hosts.toml`;
        console.log(`# node ${node}: ${file}\n${content}`);
      }
    });
  return command;
}

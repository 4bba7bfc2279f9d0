/** `seedbed cluster up|down|status|kubeconfig`. */
import { Command, Option } from 'commander';
import {
  DEFAULT_CONFIG,
  PROVIDER_NAMES,
  createProvider,
  loadKindConfig,
  parseProviderName,
  providerOfCluster,
  selectProvider,
  shippedConfigPath,
  type ClusterProvider,
} from '@seedbed/cluster';
import { consoleProgress, onInterrupt } from '@seedbed/core';
import { readNodes, renderSummary } from './cluster-summary.ts';

interface CommonOptions {
  provider?: string;
  config?: string;
  name?: string;
  kubeconfig?: string;
}

const providerOption = () =>
  new Option('-p, --provider <name>', 'cluster provider (default: $SEEDBED_PROVIDER, else the first available of local, kind)').choices(PROVIDER_NAMES);
const nameOption = () => new Option('-n, --name <name>', 'cluster name (default: the config\'s name)');
const configOption = () => new Option('-c, --config <file>', `kind Cluster config (default: kind-configs/${DEFAULT_CONFIG}.yaml)`);
const kubeconfigOption = () => new Option('--kubeconfig <file>', 'kubeconfig of the cluster to register (existing provider)');

/** Listing without a name defaults to the local provider unless told otherwise. */
function providerFor(options: CommonOptions): ClusterProvider {
  return createProvider(parseProviderName(options.provider ?? process.env.SEEDBED_PROVIDER ?? 'local'), { kubeconfig: options.kubeconfig });
}

/** Commands that act on a named cluster use the provider that holds it. */
function providerOf(name: string, options: CommonOptions): Promise<ClusterProvider> {
  return providerOfCluster(name, options.provider, { kubeconfig: options.kubeconfig });
}

async function clusterName(options: CommonOptions): Promise<string> {
  if (options.name) return options.name;
  return (await loadKindConfig(options.config ?? shippedConfigPath(DEFAULT_CONFIG))).name;
}

export function clusterCommand(): Command {
  const cluster = new Command('cluster').description('create, inspect and delete clusters (local processes, kind, or an existing kubeconfig)');

  cluster
    .command('up')
    .description('bring a cluster up from a kind config and print its nodes, CIDRs and kubeconfig path')
    .addOption(providerOption())
    .addOption(configOption())
    .addOption(nameOption())
    .addOption(kubeconfigOption())
    .option('--timeout <seconds>', 'how long to wait for the cluster to be ready', '120')
    .action(async (options: CommonOptions & { timeout: string }) => {
      const config = await loadKindConfig(options.config ?? shippedConfigPath(DEFAULT_CONFIG), options.name);
      const provider = await selectProvider(options.provider, { kubeconfig: options.kubeconfig });
      const progress = consoleProgress();
      progress.info(`creating cluster "${config.name}" (${config.ipFamily}, provider ${provider.name})`);
      const controller = new AbortController();
      const uninstall = onInterrupt(controller, (m) => progress.info(m));
      try {
        const info = await provider.create(config, { progress, signal: controller.signal, timeoutMs: Number(options.timeout) * 1000 });
        console.log(renderSummary(info, await readNodes(info.kubeconfigPath)));
        console.log(`\nuse it:     export KUBECONFIG=${info.kubeconfigPath}\nremove it:  seedbed cluster down --provider ${provider.name} --name ${info.name}`);
      } catch (error) {
        if (!controller.signal.aborted) throw error;
        progress.info(`interrupted: everything "${config.name}" had started was stopped and removed`);
        process.exitCode = 130;
      } finally {
        uninstall();
      }
    });

  cluster
    .command('down')
    .description('tear a cluster down: stop every process and remove its state (existing clusters are only forgotten)')
    .addOption(providerOption())
    .addOption(nameOption())
    .addOption(configOption())
    .action(async (options: CommonOptions) => {
      const name = await clusterName(options);
      await (await providerOf(name, options)).delete(name);
      console.log(`cluster "${name}" deleted`);
    });

  cluster
    .command('status')
    .description('list clusters, or show one cluster and its nodes with --name')
    .addOption(providerOption())
    .addOption(nameOption())
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (options: CommonOptions & { output: string }) => {
      const provider = options.name ? await providerOf(options.name, options) : providerFor(options);
      const infos = options.name ? [await provider.info(options.name)] : await provider.list();
      if (options.output === 'json') return console.log(JSON.stringify(infos, null, 2));
      if (infos.length === 0) return console.log(`no ${provider.name} clusters (create one with: seedbed cluster up)`);
      for (const info of infos) {
        const nodes = info.status === 'running' && options.name ? await readNodes(info.kubeconfigPath).catch(() => []) : [];
        console.log(`${renderSummary(info, nodes)}\n`);
      }
    });

  cluster
    .command('kubeconfig')
    .description('print the path of the admin kubeconfig of a cluster')
    .addOption(providerOption())
    .addOption(nameOption())
    .action(async (options: CommonOptions) => {
      const name = await clusterName(options);
      console.log(await (await providerOf(name, options)).kubeconfig(name));
    });

  return cluster;
}

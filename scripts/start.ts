#!/usr/bin/env -S npx tsx
/**
 * `npm start`: the main job on the embedded default — bring up the dual-stack
 * local cluster (kind-configs/dual-stack.yaml) and print its nodes, CIDRs and
 * kubeconfig path. The cluster keeps running (like `kind create cluster`);
 * `npm run stop` removes it. If it is already running, its status is shown.
 * Ctrl-C during bring-up stops and removes everything started so far.
 */
import { echo } from 'zx';
import { DEFAULT_CONFIG, LocalProvider, loadKindConfig, shippedConfigPath } from '@seedbed/cluster';
import { consoleProgress, describeError, onInterrupt } from '@seedbed/core';
import { readNodes, renderSummary } from '../packages/cli/src/commands/cluster-summary.ts';

const progress = consoleProgress();
const controller = new AbortController();
const uninstall = onInterrupt(controller, (m) => progress.info(m));
try {
  const config = await loadKindConfig(shippedConfigPath(DEFAULT_CONFIG));
  const provider = new LocalProvider();
  const existing = (await provider.list()).find((c) => c.name === config.name && c.status === 'running');
  const info = existing ?? (await provider.create(config, { progress, signal: controller.signal }));
  if (existing) progress.info(`cluster "${config.name}" is already running`);
  echo(renderSummary(info, await readNodes(info.kubeconfigPath)));
  echo(`\nuse it:     export KUBECONFIG=${info.kubeconfigPath}\nremove it:  npm run stop`);
} catch (error) {
  echo(`error: ${describeError(error)}`);
  process.exitCode = controller.signal.aborted ? 130 : 1;
} finally {
  uninstall();
}

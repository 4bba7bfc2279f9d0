/**
 * `seedbed up` keeps a landscape running for development (in the foreground:
 * the gardenlet lives in this process) until Ctrl-C or `seedbed down`, which
 * then tears everything down. State: <state root>/landscape/landscape.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_CONFIG, PROVIDER_NAMES, loadKindConfig, selectProvider, shippedConfigPath, stateRoot } from '@seedbed/cluster';
import { SeedbedError, consoleProgress, describeError, isAlive, onInterrupt } from '@seedbed/core';
import { Landscape } from './landscape.ts';
import { ProgressView } from './report/progress-view.ts';
import { ShootWatcher } from './shoot-watcher.ts';

export const LANDSCAPE_FILE = 'landscape.json';
export const DOWN_TIMEOUT_MS = 60_000;

const landscapeDir = () => join(stateRoot(), 'landscape');

interface LandscapeRecord {
  pid: number;
  kubeconfig: string;
  startedAt: string;
}

/** The garden kubeconfig of the landscape `seedbed up` runs. */
export function runningLandscapeKubeconfig(): string {
  const record = readRecord();
  if (!record || !isAlive(record.pid)) throw new SeedbedError('LANDSCAPE_NOT_RUNNING', 'no landscape is running', { hint: 'start one with `seedbed up`, or pass --kubeconfig' });
  return record.kubeconfig;
}

function readRecord(): LandscapeRecord | undefined {
  const file = join(landscapeDir(), LANDSCAPE_FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LandscapeRecord;
}

export function upCommand(): Command {
  return new Command('up')
    .description('bring up a landscape (garden/seed cluster, Gardener API, seed local, gardenlet) and keep it running until Ctrl-C or `seedbed down`')
    .option('-c, --config <file>', `kind Cluster config of the garden/seed cluster (default: kind-configs/${DEFAULT_CONFIG}.yaml)`)
    .addOption(new Option('-p, --provider <name>', 'cluster provider for the garden/seed cluster (default: $SEEDBED_PROVIDER, else the first available of local, kind)').choices(PROVIDER_NAMES))
    .action(async (options: { config?: string; provider?: string }) => {
      const running = readRecord();
      if (running && isAlive(running.pid)) {
        throw new SeedbedError('LANDSCAPE_RUNNING', `a landscape is already running (pid ${running.pid}, kubeconfig ${running.kubeconfig})`, { hint: 'stop it with `seedbed down`' });
      }
      const progress = consoleProgress();
      const controller = new AbortController();
      const uninstall = onInterrupt(controller, (m) => progress.info(m));
      const config = await loadKindConfig(options.config ?? shippedConfigPath(DEFAULT_CONFIG), 'seedbed-landscape');
      const selected = await selectProvider(options.provider);
      // the local provider keeps the landscape's cluster under the landscape's own state directory (Landscape.up's default)
      const provider = selected.name === 'local' ? undefined : selected;
      const dir = landscapeDir();
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const view = new ProgressView();
      let landscape: Landscape | undefined;
      let teardown: unknown;
      try {
        landscape = await Landscape.up({ config, stateDir: dir, provider, progress, signal: controller.signal, onFlowEvent: (s, e) => view.onFlowEvent(s, e) });
        const watcher = new ShootWatcher(landscape.kubeconfigPath);
        watcher.observe((shoot) => view.onShoot(shoot));
        await watcher.start();
        await writeFile(join(dir, LANDSCAPE_FILE), JSON.stringify({ pid: process.pid, kubeconfig: landscape.kubeconfigPath, startedAt: new Date().toISOString() }, null, 2));
        console.log(`landscape ready. export KUBECONFIG=${landscape.kubeconfigPath}\ncreate shoots in namespace garden-local (e.g. kubectl apply -f packages/gardener-api/src/testdata/shoot-local-ipv6.yaml); Ctrl-C or \`seedbed down\` stops everything`);
        await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
        await watcher.stop();
      } finally {
        uninstall();
        teardown = await landscape?.down().then(() => undefined, (error: unknown) => error);
        await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
        progress.info(teardown ? `stopped with problems:\n${describeError(teardown)}` : 'landscape stopped and removed');
      }
      // a teardown that ran into problems fails the command
      if (teardown) throw teardown;
    });
}

export function downCommand(): Command {
  return new Command('down')
    .description('stop the landscape `seedbed up` runs, and everything it started')
    .action(async () => {
      const record = readRecord();
      if (!record || !isAlive(record.pid)) throw new SeedbedError('LANDSCAPE_NOT_RUNNING', 'no landscape is running', { hint: 'start one with `seedbed up`' });
      process.kill(record.pid, 'SIGTERM');
      const deadline = Date.now() + DOWN_TIMEOUT_MS;
      while (isAlive(record.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (isAlive(record.pid)) throw new SeedbedError('LANDSCAPE_STUCK', `seedbed up (pid ${record.pid}) did not stop within ${DOWN_TIMEOUT_MS / 1000}s`, { hint: `kill -9 ${record.pid}` });
      console.log('landscape stopped');
    });
}

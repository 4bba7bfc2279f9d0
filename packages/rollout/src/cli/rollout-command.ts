/**
 * `seedbed rollout`: start a Rollout, watch it live, pause / resume (spec.paused),
 * abort / retry (the action annotation), and run the controller in the foreground.
 */
import { Command, InvalidArgumentError } from 'commander';
import { makeInformer, CustomObjectsApi, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { KubeRaw, loadKubeConfig, type KubeObject } from '@seedbed/cluster';
import { SeedbedError, onInterrupt } from '@seedbed/core';
import { parseSelector } from '../api/label-selector.ts';
import {
  ACTION_ANNOTATION,
  CANARY_LABEL,
  DEFAULT_BAKE_SECONDS,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  ROLLOUT_API_VERSION,
  ROLLOUT_GROUP,
  ROLLOUT_PLURAL,
  ROLLOUT_VERSION,
  rolloutPath,
  type IntOrPercent,
  type Rollout,
  type RolloutActionName,
  type RolloutPhase,
} from '../api/types.ts';
import { parseIntOrPercent } from '../api/int-or-percent.ts';
import { RolloutController } from '../controller/rollout-controller.ts';
import { installRolloutApi } from '../api/install.ts';

/** On the command line every value is text: digits are a count, "N%" a percentage. */
export function parseCliIntOrPercent(text: string): IntOrPercent {
  const value: IntOrPercent = /^\d+$/.test(text) ? Number(text) : text;
  try {
    parseIntOrPercent(value, 'value');
  } catch {
    throw new InvalidArgumentError(`"${text}" is neither a count nor a percentage like "25%"`);
  }
  return value;
}

const seconds = (text: string) => {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a number of seconds`);
  return Number(text);
};

/** One line per status change: phase, wave, counts, reason. */
export function describeRollout(rollout: Rollout): string {
  const s = rollout.status;
  if (!s?.phase) return `${rollout.metadata.name}: ${rollout.spec.targetVersion} not yet picked up by a controller`;
  const wave = s.waves?.[s.currentWave ?? 0];
  const seeds = Object.values(s.seeds ?? {});
  const c = s.shoots;
  return [
    `${rollout.metadata.name}: ${s.phase}`,
    `target ${s.observedTarget}`,
    wave ? `wave ${(s.currentWave ?? 0) + 1}/${s.waves?.length} (${wave.name})` : '',
    `seeds updated ${seeds.filter((x) => x.state === 'Updated').length}/${seeds.length}`,
    c ? `shoots healthy ${c.healthy} unhealthy ${c.unhealthy}/${c.maxUnhealthy} excluded ${c.excluded} pending ${c.pending} unknown ${c.unknown}` : '',
    `${s.reason}: ${s.message}`,
  ].filter(Boolean).join(' · ');
}

interface KubeOption {
  kubeconfig?: string;
}

const raw = (options: KubeOption) => new KubeRaw(loadKubeConfig(options.kubeconfig));

export function rolloutCommand(): Command {
  const command = new Command('rollout').description('canary rollouts of gardenlet versions: canary seeds first, halting on unhealthy shoots');
  const withKube = (c: Command) => c.option('--kubeconfig <file>', 'kubeconfig of the garden cluster (default: $KUBECONFIG)');

  withKube(command.command('start <name>'))
    .description('create a Rollout')
    .requiredOption('-t, --target <version>', 'gardenlet version to roll out')
    .option('--canary <selector>', 'label selector of the canary seeds', `${CANARY_LABEL}=true`)
    .option('--seeds <selector>', 'label selector of the seeds taking part (default: all)')
    .option('--batches <list>', 'waves after the canaries, counts or percentages, e.g. 1,25%', (t) => t.split(',').map(parseCliIntOrPercent))
    .option('--max-unhealthy <n>', 'halt when more shoots than this are unhealthy (count or "N%" of evaluated shoots, rounded down)', parseCliIntOrPercent, 0)
    .option('--bake <seconds>', 'how long each wave must stay healthy', seconds, DEFAULT_BAKE_SECONDS)
    .option('--deadline <seconds>', 'how long a wave may take to be reconciled', seconds, DEFAULT_PROGRESS_DEADLINE_SECONDS)
    .option('--paused', 'create it paused')
    .action(async (name: string, o: KubeOption & { target: string; canary: string; seeds?: string; batches?: IntOrPercent[]; maxUnhealthy: IntOrPercent; bake: number; deadline: number; paused?: boolean }) => {
      const rollout: Rollout = {
        apiVersion: ROLLOUT_API_VERSION,
        kind: 'Rollout',
        metadata: { name },
        spec: {
          targetVersion: o.target,
          canarySelector: parseSelector(o.canary),
          ...(o.seeds ? { seedSelector: parseSelector(o.seeds) } : {}),
          ...(o.batches ? { batches: o.batches } : {}),
          maxUnhealthy: o.maxUnhealthy,
          bakeSeconds: o.bake,
          progressDeadlineSeconds: o.deadline,
          ...(o.paused ? { paused: true } : {}),
        },
      };
      await raw(o).create(rollout as unknown as KubeObject, ROLLOUT_PLURAL);
      console.log(`rollout ${name} created: ${o.target} to canaries ${o.canary} first`);
    });

  withKube(command.command('watch <name>'))
    .description('follow a Rollout live until it Succeeded, Halted or was Aborted')
    .option('--forever', 'keep watching after a final phase')
    .action(async (name: string, o: KubeOption & { forever?: boolean }) => {
      const final: RolloutPhase[] = ['Succeeded', 'Halted', 'Aborted'];
      const kc = loadKubeConfig(o.kubeconfig);
      const custom = kc.makeApiClient(CustomObjectsApi);
      const informer = makeInformer(kc, rolloutPath(), () =>
        custom.listClusterCustomObject({ group: ROLLOUT_GROUP, version: ROLLOUT_VERSION, plural: ROLLOUT_PLURAL }) as Promise<KubernetesListObject<KubernetesObject>>);
      let release = () => {};
      await new Promise<void>((resolve, reject) => {
        let last = '';
        const show = (object: KubernetesObject) => {
          const rollout = object as unknown as Rollout;
          if (rollout.metadata.name !== name) return;
          const line = describeRollout(rollout);
          if (line !== last) console.log(`${new Date().toISOString()} ${(last = line)}`);
          const settled = rollout.status?.phase && final.includes(rollout.status.phase) && rollout.status.reason !== 'RollingBack';
          if (!o.forever && settled && rollout.status?.observedTarget === rollout.spec.targetVersion) resolve();
        };
        informer.on('add', show);
        informer.on('update', show);
        informer.on('delete', (object) => (object.metadata?.name === name ? reject(new SeedbedError('ROLLOUT_DELETED', `rollout ${name} was deleted`)) : undefined));
        informer.on('error', (error) => reject(error));
        const interrupt = new AbortController();
        interrupt.signal.addEventListener('abort', () => resolve());
        release = onInterrupt(interrupt);
        informer.start().catch(reject);
      }).finally(() => {
        release();
        return informer.stop();
      });
    });

  const patchSpec = (verb: string, description: string, spec: Record<string, unknown>) =>
    withKube(command.command(`${verb} <name>`)).description(description).action(async (name: string, o: KubeOption) => {
      await raw(o).patch(rolloutPath(name), { spec });
      console.log(`rollout ${name}: ${verb}d`);
    });
  patchSpec('pause', 'pause a Rollout (spec.paused=true): no further seed is updated', { paused: true });
  patchSpec('resume', 'resume a paused Rollout (spec.paused=false)', { paused: false });

  const act = (verb: RolloutActionName, description: string) =>
    withKube(command.command(`${verb} <name>`)).description(description).action(async (name: string, o: KubeOption) => {
      await raw(o).patch(rolloutPath(name), { metadata: { annotations: { [ACTION_ANNOTATION]: verb } } });
      console.log(`rollout ${name}: ${verb} requested`);
    });
  act('abort', 'abort a Rollout for good; seeds keep the versions they run');
  act('rollback', 'abort a Rollout and return every seed it updated to the version it ran before');
  act('retry', 'retry a Halted Rollout: the current wave is evaluated again');

  withKube(command.command('controller'))
    .description('install the Rollout API and run the rollout controller in the foreground')
    .action(async (o: KubeOption) => {
      const kubeconfigPath = o.kubeconfig ?? process.env.KUBECONFIG;
      if (!kubeconfigPath) throw new SeedbedError('NO_KUBECONFIG', 'no kubeconfig', { hint: 'pass --kubeconfig or set KUBECONFIG' });
      await installRolloutApi(kubeconfigPath);
      const controller = new RolloutController({ kubeconfigPath });
      await controller.start();
      console.log('rollout controller running; Ctrl-C stops it');
      const interrupt = new AbortController();
      const release = onInterrupt(interrupt);
      await new Promise<void>((resolve) => interrupt.signal.addEventListener('abort', () => resolve()));
      release();
      await controller.stop();
    });
  return command;
}

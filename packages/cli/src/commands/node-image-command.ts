/** `seedbed node-image build|show`: the kind node image, built offline from pinned sources in the engine kind uses. */
import { Command } from 'commander';
import { consoleProgress, formatDuration, onInterrupt } from '@seedbed/core';
import { engineEnv, ensureEngine } from '@seedbed/engine';
import { ArtifactCache, DockerCli, buildNodeImage, kindestNodeImage, makePlan, savedImageName } from '@seedbed/node-image';

export function nodeImageCommand(): Command {
  const nodeImage = new Command('node-image').description('the kind node image: kindest/node:<pinned version> when present, else seedbed/kind-node built offline from pinned sources');

  nodeImage
    .command('build')
    .description('build seedbed/kind-node:<version>-<hash of the pins> offline (debootstrap, go, gcc; root), reusing every cached step; Ctrl-C resumes next time')
    .action(async () => {
      const progress = consoleProgress();
      const engine = await ensureEngine({ progress });
      const controller = new AbortController();
      const uninstall = onInterrupt(controller, (m) => progress.info(m));
      try {
        const result = await buildNodeImage({ docker: new DockerCli(engineEnv(engine)), progress, signal: controller.signal });
        console.log(`${result.image}: ${result.outcome} in ${formatDuration(result.durationMs)} (engine ${engine.dockerHost}; saved as ${result.archive})`);
      } finally {
        uninstall();
      }
    });

  nodeImage
    .command('show')
    .description('the node image names and pins, and which of them the engine and the cache hold')
    .action(async () => {
      const plan = makePlan();
      const cache = ArtifactCache.forEnv();
      // no engine running is an answer here (shown as such), not an error
      const engine = await ensureEngine().catch(() => undefined);
      const docker = engine && new DockerCli(engineEnv(engine));
      const where = async (image: string) => (docker ? ((await docker.imageExists(image)) ? 'present' : 'absent') : 'no engine runs');
      console.log(`kindest/node: ${kindestNodeImage()} (${await where(kindestNodeImage())})`);
      console.log(`seedbed:      ${plan.tag} (${await where(plan.tag)}; cache: ${cache.has(savedImageName(plan.tag)) ? cache.path(savedImageName(plan.tag)) : 'not saved'})`);
      console.log('pins:');
      for (const [module, version] of Object.entries(plan.pins.modules)) console.log(`  ${module.padEnd(24)} ${version}`);
      for (const rootfs of plan.rootfs) console.log(`  rootfs ${rootfs.name.padEnd(17)} debian ${rootfs.suite} ${rootfs.variant}: ${rootfs.packages.join(' ')}`);
    });
  return nodeImage;
}

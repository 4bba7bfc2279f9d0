/** `seedbed engine up|down|status`: the container engine kind runs on (a user's Docker/Podman, or a dockerd seedbed owns). */
import { rm } from 'node:fs/promises';
import { Command } from 'commander';
import { resolveBinaries } from '@seedbed/binaries';
import { consoleProgress } from '@seedbed/core';
import {
  canRunPrivileged,
  capDropNeed,
  detectEngine,
  enginePaths,
  ensureEngine,
  findDockerd,
  hostCapabilities,
  ownedDockerdState,
  stopOwnedDockerd,
} from '@seedbed/engine';

export function engineCommand(): Command {
  const engine = new Command('engine').description('the container engine for kind clusters: Docker or Podman if one runs, else a dockerd seedbed starts (Debian docker.io)');

  engine
    .command('up')
    .description('use the running Docker/Podman, else start seedbed\'s own dockerd; then check that privileged containers run')
    .action(async () => {
      const progress = consoleProgress();
      const found = await ensureEngine({ start: true, progress });
      console.log(found.describe());
      const privileged = await canRunPrivileged(found, { progress });
      console.log(privileged.ok ? `privileged containers: ok` : `privileged containers: FAIL — ${privileged.detail}${privileged.hint ? `\n  hint: ${privileged.hint}` : ''}`);
      console.log(`\nuse it:  export DOCKER_HOST=${found.dockerHost}${found.owned ? `\nstop it: seedbed engine down` : ''}`);
      if (!privileged.ok) process.exitCode = 1;
    });

  engine
    .command('down')
    .description('stop seedbed\'s own dockerd and its containerd, and undo its iptables rules and bridges (a Docker seedbed did not start is left alone)')
    .option('--purge', 'also delete its data root (images, including a built kind node image)')
    .action(async (options: { purge?: boolean }) => {
      const paths = enginePaths();
      const done = await stopOwnedDockerd({ paths, progress: consoleProgress() });
      console.log(done.length ? done.join('\n') : `seedbed's dockerd is not running (${paths.root})`);
      if (options.purge) {
        await rm(paths.root, { recursive: true, force: true });
        console.log(`removed ${paths.root}`);
      }
    });

  engine
    .command('status')
    .description('which engine seedbed uses, and whether the capability-dropping runtime is registered and why')
    .action(async () => {
      const paths = enginePaths();
      const { engine: found, tried } = await detectEngine({ paths });
      const caps = hostCapabilities();
      const need = capDropNeed(caps);
      if (found) {
        console.log(`engine:      ${found.describe()}`);
        console.log(`cap-drop:    ${found.capDrop ? 'registered' : 'not registered'} — ${found.capDropReason}`);
      } else {
        console.log('engine:      none');
        for (const line of tried) console.log(`  ${line}`);
        console.log(findDockerd() ? '  start one:  seedbed engine up' : '  install Debian\'s docker.io, or start Docker or Podman');
      }
      const owned = await ownedDockerdState(paths);
      const startedBy = owned.state === 'running' ? `, started by ${owned.record.startedBy === 'lease' ? 'an engine lease (tests; stops with the last lease)' : '`seedbed engine up`'}` : '';
      console.log(`own dockerd: ${owned.state}${startedBy}${owned.state === 'stale' ? ` (${owned.detail}; \`seedbed engine down\` cleans it up)` : ''} — ${paths.root}`);
      console.log(`host:        CapBnd ${caps.bounding.toString(16).padStart(16, '0')}; the capability-dropping runtime is ${need.needed ? 'needed' : 'not needed'}: ${need.reason}`);
      if (need.needed) {
        const runtime = await resolveBinaries({ names: ['capdrop-runc'], build: false }).then((b) => b.path('capdrop-runc'), () => 'not built yet (seedbed engine up builds it)');
        console.log(`runtime:     ${runtime}`);
      }
    });
  return engine;
}

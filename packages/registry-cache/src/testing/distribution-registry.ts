/**
 * Test helper: Debian's `docker-registry` (distribution 2.8) on loopback,
 * as a plain registry or in proxy mode, with its storage in a temp dir.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocatePort, ManagedProcess, Wait } from '@seedbed/core';

export const DISTRIBUTION_BINARY = '/usr/bin/docker-registry';

export interface DistributionRegistry {
  url: string;
  host: string;
  port: number;
  dir: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startDistribution(options: { proxyRemoteUrl?: string; name?: string } = {}): Promise<DistributionRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'rc-distribution-'));
  const port = await allocatePort('127.0.0.1');
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
  ];
  if (options.proxyRemoteUrl) lines.push('proxy:', `  remoteurl: ${options.proxyRemoteUrl}`);
  writeFileSync(join(dir, 'config.yml'), `${lines.join('\n')}\n`);
  const process = new ManagedProcess({
    name: options.name ?? 'docker-registry',
    command: DISTRIBUTION_BINARY,
    args: ['serve', join(dir, 'config.yml')],
    logFile: join(dir, 'registry.log'),
  }).start();
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await process.stop(2_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Wait({ what: `${options.name ?? 'docker-registry'} /v2/`, timeoutMs: 20_000, intervalMs: 50, component: { name: 'docker-registry', logTail: () => process.logTail() } }).until(async () => {
      if (process.exit) throw new Error(`exited: ${process.logTail().join('\n')}`);
      const response = await fetch(`${url}/v2/`);
      return response.status === 200;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, host: `127.0.0.1:${port}`, port, dir, process, stop };
}

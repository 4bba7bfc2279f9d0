/**
 * What a dockerd seedbed starts changes on the host's network, and how it is
 * undone at `engine down`: dockerd sets the iptables FORWARD policy to DROP,
 * adds its DOCKER* chains and rules (filter and nat), and creates docker0 and
 * a br-<id> bridge per network. It removes none of that when it stops.
 * Recorded before start, restored after stop, so the host is left as found.
 */
import { existsSync, readFileSync } from 'node:fs';
import { commandExists, createLogger, runCommand } from '@seedbed/core';

const log = createLogger('engine:host-network');

export interface HostNetworkBefore {
  /** The filter table's FORWARD policy before dockerd started. */
  forwardPolicy?: string;
  docker0Existed: boolean;
  ipForward?: string;
}

const BRIDGE_RULE = /DOCKER|docker0|br-[0-9a-f]{12}/;

export async function recordHostNetwork(): Promise<HostNetworkBefore> {
  const before: HostNetworkBefore = { docker0Existed: existsSync('/sys/class/net/docker0') };
  if (existsSync('/proc/sys/net/ipv4/ip_forward')) before.ipForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  if (await commandExists('iptables')) {
    const { stdout } = await runCommand('iptables', ['-S', 'FORWARD']);
    before.forwardPolicy = /^-P FORWARD (\w+)/m.exec(stdout)?.[1];
  }
  return before;
}

/** Removes dockerd's chains, rules and bridges and restores the FORWARD policy and ip_forward. */
export async function restoreHostNetwork(before: HostNetworkBefore): Promise<string[]> {
  const undone: string[] = [];
  if (await commandExists('iptables')) {
    for (const table of ['filter', 'nat']) {
      const { stdout } = await runCommand('iptables', ['-t', table, '-S']);
      const lines = stdout.split('\n');
      for (const line of lines.filter((l) => l.startsWith('-A ') && BRIDGE_RULE.test(l) && !/^-A DOCKER/.test(l))) {
        // docker's rules carry no quoted arguments, so splitting on spaces gives iptables' own arguments back
        await runCommand('iptables', ['-t', table, '-D', ...line.slice(3).split(' ')]);
      }
      const chains = lines.filter((l) => /^-N DOCKER/.test(l)).map((l) => l.slice(3));
      for (const chain of chains) await runCommand('iptables', ['-t', table, '-F', chain]);
      for (const chain of chains) await runCommand('iptables', ['-t', table, '-X', chain]);
      if (chains.length) undone.push(`iptables ${table}: removed ${chains.join(', ')}`);
    }
    if (before.forwardPolicy) {
      await runCommand('iptables', ['-P', 'FORWARD', before.forwardPolicy]);
      undone.push(`iptables FORWARD policy back to ${before.forwardPolicy}`);
    }
  }
  if (!before.docker0Existed && existsSync('/sys/class/net/docker0')) {
    await runCommand('ip', ['link', 'delete', 'docker0']);
    undone.push('removed docker0');
  }
  if (before.ipForward !== undefined) {
    const now = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
    if (now !== before.ipForward) {
      await runCommand('sysctl', ['-q', '-w', `net.ipv4.ip_forward=${before.ipForward}`]);
      undone.push(`net.ipv4.ip_forward back to ${before.ipForward}`);
    }
  }
  log.debug('restored host network: %s', undone.join('; ') || 'nothing to undo');
  return undone;
}

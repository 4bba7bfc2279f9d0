/**
 * Test helper: a network namespace per simulated node with a veth pair to
 * this machine, so a node's addresses exist on a link of their own and
 * nothing but that link reaches them. Addresses are private and unique per
 * test process: IPv4 10.213.<pid>.<4i+1|2>/30, IPv6 fd00:5eed:<pid>:<i+1>::1|2/64
 * (host end first, node end second; IPv6 without duplicate address detection
 * so it is usable at once). The namespace has no default route: nothing in
 * it can leave the machine. Each namespace and link is registered with the
 * CleanupStack the moment it exists; deleting the namespace also deletes
 * the veth pair. Namespaces left by a test process that was killed before
 * its cleanup ran (named seedbed-<pid>-<i>, that pid gone) are swept first.
 */
import { CleanupStack, CommandError, isAlive, runCommand } from '@seedbed/core';

export interface NodeNetwork {
  netns: string;
  /** The veth end on this machine. */
  hostLink: string;
  hostIPv4: string;
  hostIPv6: string;
  /** The node's addresses, inside the namespace. */
  nodeIPv4: string;
  nodeIPv6: string;
}

const tag = process.pid % 65_536;
const ip = (...args: string[]) => runCommand('ip', args);
const ignoreMissing = (error: unknown) => {
  if (!(error instanceof CommandError && /Cannot find device|No such file|does not exist/i.test(error.message))) throw error;
};

export function nodeNetworkNames(index: number): Pick<NodeNetwork, 'netns' | 'hostLink'> {
  return { netns: `seedbed-${process.pid}-${index}`, hostLink: `sb${tag.toString(16)}h${index}` };
}

const NAMESPACE_PATTERN = /^seedbed-(\d+)-\d+$/;

/** Deletes the namespaces of test processes that no longer run; returns their names. */
export async function sweepStaleNodeNetworks(): Promise<string[]> {
  const stale = (await ip('netns', 'list')).stdout
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => {
      const owner = NAMESPACE_PATTERN.exec(name)?.[1];
      return owner !== undefined && Number(owner) !== process.pid && !isAlive(Number(owner));
    });
  for (const name of stale) await ip('netns', 'del', name).catch(ignoreMissing);
  return stale;
}

export async function createNodeNetwork(cleanup: CleanupStack, index: number): Promise<NodeNetwork> {
  if (index < 0 || index > 62) throw new RangeError(`node network index ${index} is outside 0–62`);
  await sweepStaleNodeNetworks();
  const { netns, hostLink } = nodeNetworkNames(index);
  const nodeLink = `eth0`;
  const v4 = (host: number) => `10.213.${tag % 250}.${4 * index + host}`;
  const v6 = (host: number) => `fd00:5eed:${tag.toString(16)}:${index + 1}::${host}`; // canonical form: no zero group
  const network: NodeNetwork = { netns, hostLink, hostIPv4: v4(1), hostIPv6: v6(1), nodeIPv4: v4(2), nodeIPv6: v6(2) };

  await ip('netns', 'add', netns);
  cleanup.add(`delete network namespace ${netns}`, () => ip('netns', 'del', netns).then(() => {}, ignoreMissing));
  await ip('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', nodeLink, 'netns', netns);
  cleanup.add(`delete link ${hostLink}`, () => ip('link', 'del', hostLink).then(() => {}, ignoreMissing));
  const inside = (...args: string[]) => ip('netns', 'exec', netns, 'ip', ...args);
  await inside('link', 'set', 'lo', 'up');
  await inside('addr', 'add', `${network.nodeIPv4}/30`, 'dev', nodeLink);
  await inside('-6', 'addr', 'add', `${network.nodeIPv6}/64`, 'dev', nodeLink, 'nodad');
  await inside('link', 'set', nodeLink, 'up');
  await ip('addr', 'add', `${network.hostIPv4}/30`, 'dev', hostLink);
  await ip('-6', 'addr', 'add', `${network.hostIPv6}/64`, 'dev', hostLink, 'nodad');
  await ip('link', 'set', hostLink, 'up');
  return network;
}

/** What of a NodeNetwork still exists on this machine (empty after cleanup). */
export async function nodeNetworkLeftovers(network: Pick<NodeNetwork, 'netns' | 'hostLink'>): Promise<string[]> {
  const found: string[] = [];
  const namespaces = (await ip('netns', 'list')).stdout.split('\n').map((line) => line.split(' ')[0]);
  if (namespaces.includes(network.netns)) found.push(`network namespace ${network.netns}`);
  if (await ip('link', 'show', network.hostLink).then(() => true, () => false)) found.push(`link ${network.hostLink}`);
  return found;
}

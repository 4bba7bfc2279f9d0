/**
 * containerd registry host configuration (`certs.d/<registry>/hosts.toml`)
 * pointing a registry at the cache. containerd 1.6 silently ignores a
 * `[host."http://[::1]:5002"]` table (an IPv6 literal in the key; measured
 * with Debian's containerd 1.6.20: the mirror is skipped and the upstream is
 * contacted directly), so mirror endpoints must be host names; on IPv6-only
 * nodes use a name that resolves to the IPv6 address (e.g. `localhost` where
 * /etc/hosts maps it to ::1, or an /etc/hosts entry from `hostsFileEntry`).
 */
import { isIP } from 'node:net';
import { ValidationError, type Problem } from '@seedbed/core';
import { DOCKER_HUB, normaliseRegistryHost } from '../upstream/routing.ts';

export interface HostsTomlOptions {
  /** Registry the mirror is for, as in image references (`docker.io`, `ghcr.io`, `registry.local:5000`). */
  registry: string;
  /** The cache's URL as the node reaches it, e.g. `http://localhost:5000`. Must use a host name or IPv4 address. */
  mirror: string;
  /** The registry's own endpoint, tried after the mirror; defaults to https://<registry> (Docker Hub: registry-1.docker.io). */
  server?: string;
  /** Skip TLS verification of the mirror (self-signed cache certificate). */
  skipVerify?: boolean;
  /** CA file on the node to verify the mirror with. */
  ca?: string;
}

export interface HostsTomlFile {
  /** Path below the hosts directory (`/etc/containerd/certs.d`). */
  path: string;
  content: string;
}

function tomlString(value: string): string {
  return JSON.stringify(value);
}

export function defaultRegistryServer(registry: string): string {
  return normaliseRegistryHost(registry) === DOCKER_HUB ? 'https://registry-1.docker.io' : `https://${registry}`;
}

export function renderHostsToml(options: HostsTomlOptions): HostsTomlFile {
  const problems: Problem[] = [];
  if (!/^[a-z0-9.-]+(:\d+)?$/i.test(options.registry)) problems.push({ path: 'registry', message: `"${options.registry}" is not a registry host[:port]` });
  let mirror: URL | undefined;
  try {
    mirror = new URL(options.mirror);
    if (mirror.protocol !== 'http:' && mirror.protocol !== 'https:') problems.push({ path: 'mirror', message: 'must be an http:// or https:// URL' });
    const host = mirror.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) === 6) {
      problems.push({
        path: 'mirror',
        message: `"${options.mirror}" uses an IPv6 literal, which containerd 1.6 silently ignores in hosts.toml; use a host name that resolves to ${host} (e.g. localhost, or an /etc/hosts entry)`,
      });
    }
  } catch {
    problems.push({ path: 'mirror', message: `"${options.mirror}" is not a URL` });
  }
  if (problems.length || !mirror) throw new ValidationError('hosts.toml settings', problems);
  const registry = normaliseRegistryHost(options.registry);
  const lines = [`server = ${tomlString(options.server ?? defaultRegistryServer(registry))}`, '', `[host.${tomlString(mirror.origin)}]`, '  capabilities = ["pull", "resolve"]'];
  if (options.skipVerify) lines.push('  skip_verify = true');
  if (options.ca) lines.push(`  ca = ${tomlString(options.ca)}`);
  return { path: `${registry}/hosts.toml`, content: `${lines.join('\n')}\n` };
}

/** An /etc/hosts line giving `name` the address `ip` (so an IPv6-only node can name the cache). */
export function hostsFileEntry(name: string, ip: string): string {
  if (isIP(ip) === 0) throw new ValidationError('hosts entry', [{ path: 'ip', message: `"${ip}" is not an IP address` }]);
  if (!/^[a-z0-9.-]+$/i.test(name)) throw new ValidationError('hosts entry', [{ path: 'name', message: `"${name}" is not a host name` }]);
  return `${ip} ${name}\n`;
}

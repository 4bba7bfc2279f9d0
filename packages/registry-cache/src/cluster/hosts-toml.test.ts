import { describe, expect, it } from 'vitest';
import { ValidationError } from '@seedbed/core';
import { hostsFileEntry, renderHostsToml } from './hosts-toml.ts';

describe('renderHostsToml', () => {
  it('points a registry at the cache with pull and resolve only', () => {
    const file = renderHostsToml({ registry: 'registry-1.docker.io', mirror: 'http://localhost:5000' });
    expect(file.path).toBe('docker.io/hosts.toml');
    expect(file.content).toBe('server = "https://registry-1.docker.io"\n\n[host."http://localhost:5000"]\n  capabilities = ["pull", "resolve"]\n');
  });

  it('uses the registry as server for other hosts and renders TLS options', () => {
    const file = renderHostsToml({ registry: 'ghcr.io', mirror: 'https://cache.local:5443', skipVerify: true, ca: '/etc/ca.pem' });
    expect(file.content).toContain('server = "https://ghcr.io"');
    expect(file.content).toContain('[host."https://cache.local:5443"]');
    expect(file.content).toContain('skip_verify = true');
    expect(file.content).toContain('ca = "/etc/ca.pem"');
  });

  it('refuses IPv6 literals, which containerd 1.6 ignores, with the reason', () => {
    expect(() => renderHostsToml({ registry: 'docker.io', mirror: 'http://[::1]:5002' })).toThrow(ValidationError);
    expect(() => renderHostsToml({ registry: 'docker.io', mirror: 'http://[::1]:5002' })).toThrow(/IPv6 literal.*containerd 1\.6/);
    expect(renderHostsToml({ registry: 'docker.io', mirror: 'http://127.0.0.1:5002' }).content).toContain('[host."http://127.0.0.1:5002"]');
  });

  it('renders /etc/hosts entries', () => {
    expect(hostsFileEntry('registry-cache.local', 'fd00::10')).toBe('fd00::10 registry-cache.local\n');
    expect(() => hostsFileEntry('x', 'not-an-ip')).toThrow(ValidationError);
  });
});

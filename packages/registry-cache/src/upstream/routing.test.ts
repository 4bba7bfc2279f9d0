import { describe, expect, it } from 'vitest';
import { UpstreamRouter, normaliseRegistryHost, upstreamRepository } from './routing.ts';

const hub = { name: 'docker.io', url: 'https://registry-1.docker.io' };
const ghcr = { name: 'ghcr.io', url: 'https://ghcr.io' };

describe('routing', () => {
  it('normalises Docker Hub hosts and names', () => {
    expect(normaliseRegistryHost('registry-1.docker.io')).toBe('docker.io');
    expect(normaliseRegistryHost('Index.Docker.IO')).toBe('docker.io');
    expect(normaliseRegistryHost('ghcr.io')).toBe('ghcr.io');
    expect(upstreamRepository('docker.io', 'busybox')).toBe('library/busybox');
    expect(upstreamRepository('docker.io', 'bitnami/redis')).toBe('bitnami/redis');
    expect(upstreamRepository('ghcr.io', 'busybox')).toBe('busybox');
  });

  it('routes by ns first, then host, host:port and :port', () => {
    const router = new UpstreamRouter([hub, ghcr], { 'mirror.local:5001': 'ghcr.io', ':5002': 'docker.io' });
    expect(router.resolve({ ns: 'registry-1.docker.io' })).toEqual({ ok: true, upstream: hub });
    expect(router.resolve({ ns: 'ghcr.io', host: 'x:5002', localPort: 5002 })).toEqual({ ok: true, upstream: ghcr });
    expect(router.resolve({ host: 'mirror.local:5001', localPort: 5001 })).toEqual({ ok: true, upstream: ghcr });
    expect(router.resolve({ host: '127.0.0.1:5002', localPort: 5002 })).toEqual({ ok: true, upstream: hub });
  });

  it('refuses unknown registries instead of proxying them', () => {
    const router = new UpstreamRouter([hub]);
    const unknown = router.resolve({ ns: 'evil.example.com' });
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.message).toContain('no upstream is configured for registry "evil.example.com"');
    expect(router.resolve({ host: 'localhost:5000', localPort: 5000 }).ok).toBe(false);
  });
});

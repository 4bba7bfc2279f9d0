import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { reuseConnections } from './kube-client.ts';

/** A kubeconfig with TLS material (a CA), so client-node builds an undici dispatcher per request. */
function kubeconfig(user = 'admin'): KubeConfig {
  const kc = new KubeConfig();
  const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nnot parsed before a connection\n-----END CERTIFICATE-----\n').toString('base64');
  kc.loadFromOptions({
    clusters: [{ name: 'seedbed', server: 'https://[::1]:6443', caData: ca, skipTLSVerify: false }],
    users: [{ name: 'admin', token: 'a' }, { name: 'viewer', token: 'b' }],
    contexts: [{ name: 'admin', cluster: 'seedbed', user: 'admin' }, { name: 'viewer', cluster: 'seedbed', user: 'viewer' }],
    currentContext: user,
  });
  return kc;
}

async function dispatcherOf(kc: KubeConfig): Promise<unknown> {
  const context = new RequestContext('https://[::1]:6443/api/v1/namespaces', HttpMethod.GET);
  await kc.applySecurityAuthentication(context);
  return context.getDispatcher();
}

describe('reuseConnections', () => {
  it('client-node alone gives every request a new dispatcher (the reason this exists)', async () => {
    const kc = kubeconfig();
    const first = await dispatcherOf(kc);
    expect(first).toBeDefined();
    expect(await dispatcherOf(kc)).not.toBe(first);
  });

  it('gives every request of one cluster and user the same dispatcher', async () => {
    const kc = reuseConnections(kubeconfig());
    const first = await dispatcherOf(kc);
    expect(first).toBeDefined();
    expect(await dispatcherOf(kc)).toBe(first);
    expect(await dispatcherOf(kc)).toBe(first);
  });

  it('keeps a separate dispatcher per user', async () => {
    const kc = reuseConnections(kubeconfig());
    const admin = await dispatcherOf(kc);
    kc.setCurrentContext('viewer');
    const viewer = await dispatcherOf(kc);
    expect(viewer).not.toBe(admin);
    expect(await dispatcherOf(kc)).toBe(viewer);
  });
});

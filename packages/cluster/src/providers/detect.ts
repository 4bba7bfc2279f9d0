/**
 * Provider selection by ordered detection, like kind choosing docker or
 * podman: an explicit choice (flag, then SEEDBED_PROVIDER) wins; otherwise the
 * first available of local → kind. `existing` is only used when asked for.
 */
import { SeedbedError } from '@seedbed/core';
import { ExistingProvider } from './existing/existing-provider.ts';
import { KindProvider } from './kind/kind-provider.ts';
import { LocalProvider } from './local/local-provider.ts';
import type { ClusterProvider, ProviderName } from './provider.ts';

export const PROVIDER_ENV = 'SEEDBED_PROVIDER';
export const PROVIDER_NAMES: readonly ProviderName[] = ['local', 'kind', 'existing'];
export const DETECTION_ORDER: readonly ProviderName[] = ['local', 'kind'];

export interface ProviderOptions {
  kubeconfig?: string;
}

export function createProvider(name: ProviderName, options: ProviderOptions = {}): ClusterProvider {
  switch (name) {
    case 'local':
      return new LocalProvider();
    case 'kind':
      return new KindProvider();
    case 'existing':
      return new ExistingProvider(options.kubeconfig);
  }
}

export function parseProviderName(value: string): ProviderName {
  if ((PROVIDER_NAMES as readonly string[]).includes(value)) return value as ProviderName;
  throw new SeedbedError('UNKNOWN_PROVIDER', `unknown provider "${value}"`, { hint: `choose one of: ${PROVIDER_NAMES.join(', ')}` });
}

/** The provider to use: explicit, then $SEEDBED_PROVIDER, then the first available in DETECTION_ORDER. */
export async function selectProvider(explicit?: string, options: ProviderOptions = {}, env = process.env): Promise<ClusterProvider> {
  const chosen = explicit ?? env[PROVIDER_ENV];
  if (chosen) return createProvider(parseProviderName(chosen), options);
  const reasons: string[] = [];
  for (const name of DETECTION_ORDER) {
    const provider = createProvider(name, options);
    const status = await provider.available();
    if (status.ok) return provider;
    reasons.push(`  ${name}: ${status.reason} (${status.hint})`);
  }
  throw new SeedbedError('NO_PROVIDER', `no cluster provider can run here:\n${reasons.join('\n')}`);
}

/**
 * The provider holding the cluster `name`, for commands that act on one
 * (down, status, kubeconfig): explicit, then $SEEDBED_PROVIDER, then the first
 * in DETECTION_ORDER that lists it; none does: local (whose error names the
 * clusters it knows).
 */
export async function providerOfCluster(name: string, explicit?: string, options: ProviderOptions = {}, env = process.env): Promise<ClusterProvider> {
  const chosen = explicit ?? env[PROVIDER_ENV];
  if (chosen) return createProvider(parseProviderName(chosen), options);
  for (const candidate of DETECTION_ORDER) {
    const provider = createProvider(candidate, options);
    // a provider that cannot run here (no engine for kind) holds no cluster
    const names = await provider.list().then((infos) => infos.map((i) => i.name), (): string[] => []);
    if (names.includes(name)) return provider;
  }
  return createProvider('local', options);
}

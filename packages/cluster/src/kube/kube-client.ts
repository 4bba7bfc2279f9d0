/**
 * Thin helpers over @kubernetes/client-node: load a kubeconfig, and turn the
 * client's exceptions into ApiErrors that carry the HTTP status and reason.
 */
import { KubeConfig, ApiException, type RequestContext } from '@kubernetes/client-node';
import { ApiError } from '@seedbed/core';

/** Loads `path`, or without one the default ($KUBECONFIG, ~/.kube/config, in-cluster). */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return reuseConnections(kc);
}

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * client-node 2.x hands every API call and watch a new undici Agent (its agent
 * cache covers only WebSockets), so every call pays a TCP and TLS handshake.
 * This keeps the first keep-alive dispatcher per cluster and user of the
 * kubeconfig (the TLS material is the same for all of them) and gives it to
 * every later request; the fresh one has no connection yet and is dropped.
 */
export function reuseConnections(kc: KubeConfig): KubeConfig {
  const apply = kc.applySecurityAuthentication.bind(kc);
  const dispatchers = new Map<string, Dispatcher>();
  kc.applySecurityAuthentication = async (context: RequestContext) => {
    await apply(context);
    const fresh = context.getDispatcher();
    if (!fresh) return; // plain http without TLS material: fetch's global dispatcher already pools
    const cluster = kc.getCurrentCluster();
    const key = `${cluster?.name ?? ''}|${cluster?.server ?? ''}|${kc.getCurrentUser()?.name ?? ''}`;
    const kept = dispatchers.get(key);
    if (kept) context.setDispatcher(kept);
    else dispatchers.set(key, fresh);
  };
  return kc;
}

/** Runs an API call; failures become ApiError("operation failed: HTTP 409 AlreadyExists: ..."). */
export async function callApi<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiException) {
      const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
      throw new ApiError(operation, error.code, body, { cause: error });
    }
    throw error;
  }
}

export function isStatus(error: unknown, code: number): boolean {
  return error instanceof ApiError && error.statusCode === code;
}

/**
 * Thin helpers over @kubernetes/client-node: load a kubeconfig, and turn the
 * client's exceptions into ApiErrors that carry the HTTP status and reason.
 */
import { KubeConfig, ApiException } from '@kubernetes/client-node';
import { ApiError } from '@seedbed/core';

/** Loads `path`, or without one the default ($KUBECONFIG, ~/.kube/config, in-cluster). */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
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

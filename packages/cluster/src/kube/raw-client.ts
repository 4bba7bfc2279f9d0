/**
 * A small JSON client over the kubeconfig's TLS settings, for objects the
 * generated client would reshape (CRD schemas with x-kubernetes-* keys, custom
 * resources) and for server-side apply and merge patches. Errors are ApiErrors
 * carrying the HTTP status and the API's reason.
 */
import { Agent as HttpsAgent, request } from 'node:https';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { ApiError } from '@seedbed/core';

export const FIELD_MANAGER = 'seedbed';
export const REQUEST_TIMEOUT_MS = 30_000;

export type PatchType = 'merge' | 'apply' | 'json';
const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  apply: 'application/apply-patch+yaml',
  json: 'application/json-patch+json',
};

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Plural resource names of the kinds seedbed writes through this client. */
const PLURALS: Record<string, string> = {
  CustomResourceDefinition: 'customresourcedefinitions',
  ValidatingAdmissionPolicy: 'validatingadmissionpolicies',
  ValidatingAdmissionPolicyBinding: 'validatingadmissionpolicybindings',
  Namespace: 'namespaces',
  Secret: 'secrets',
  ConfigMap: 'configmaps',
  Service: 'services',
  ServiceAccount: 'serviceaccounts',
  Deployment: 'deployments',
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
};

export function resourcePath(apiVersion: string, kind: string, name?: string, namespace?: string, plural?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const resource = plural ?? PLURALS[kind] ?? `${kind.toLowerCase()}s`;
  return `${base}${namespace ? `/namespaces/${namespace}` : ''}/${resource}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

export class KubeRaw {
  private readonly kc: KubeConfig;
  /**
   * client-node's agent for these options keeps no connection alive; these do.
   * The TLS material stays in the request options, which name the pool.
   */
  private readonly agents = { https: new HttpsAgent({ keepAlive: true }), http: new HttpAgent({ keepAlive: true }) };

  constructor(kc: KubeConfig) {
    this.kc = kc;
  }

  async send<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const url = new URL(path, cluster.server);
    const options: Parameters<typeof request>[1] & { headers: Record<string, string> } = {
      method,
      headers: { Accept: 'application/json' },
      timeout: REQUEST_TIMEOUT_MS,
    };
    await this.kc.applyToHTTPSOptions(options);
    options.agent = url.protocol === 'https:' ? this.agents.https : this.agents.http;
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    if (payload !== undefined) options.headers['Content-Type'] = contentType;
    return new Promise<T>((resolve, reject) => {
      const req = (url.protocol === 'https:' ? request : httpRequest)(url, options, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve((text ? JSON.parse(text) : undefined) as T);
          else reject(new ApiError(`${method} ${url.pathname}`, status, text));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no answer within ${REQUEST_TIMEOUT_MS}ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  create<T extends KubeObject>(object: T, plural?: string): Promise<T> {
    return this.send<T>('POST', resourcePath(object.apiVersion, object.kind, undefined, object.metadata.namespace, plural), object);
  }

  patch<T>(path: string, patch: unknown, type: PatchType = 'merge'): Promise<T> {
    const query = type === 'apply' ? `${path.includes('?') ? '&' : '?'}fieldManager=${FIELD_MANAGER}&force=true` : '';
    return this.send<T>('PATCH', `${path}${query}`, patch, PATCH_CONTENT_TYPES[type]);
  }

  delete(path: string): Promise<unknown> {
    return this.send('DELETE', path);
  }

  /** Server-side apply of a whole object (creates or updates; seedbed owns the fields it sets). */
  apply<T extends KubeObject>(object: T, plural?: string): Promise<T> {
    return this.patch<T>(resourcePath(object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace, plural), object, 'apply');
  }
}

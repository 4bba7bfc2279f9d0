/**
 * Which upstream a request is for: containerd's `?ns=<registry>` query
 * parameter first, then the configured host/port routes. Only configured
 * upstreams are ever chosen, so the cache is never an open proxy.
 */
import type { UpstreamConfig } from '../config/config.ts';

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** Lower-cases a registry host and folds Docker Hub's aliases into `docker.io`. */
export function normaliseRegistryHost(host: string): string {
  const lower = host.trim().toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

/** The repository name to ask the upstream for: Docker Hub puts single-component names under `library/`. */
export function upstreamRepository(upstreamName: string, name: string): string {
  return upstreamName === DOCKER_HUB && !name.includes('/') ? `library/${name}` : name;
}

export interface RouteRequest {
  /** Value of the `ns` query parameter, if any. */
  ns?: string | null;
  /** The Host header. */
  host?: string;
  /** The local port the request arrived on. */
  localPort?: number;
}

export type RouteResult = { ok: true; upstream: UpstreamConfig } | { ok: false; message: string };

export class UpstreamRouter {
  private readonly byName = new Map<string, UpstreamConfig>();
  private readonly routes: Record<string, string>;

  constructor(upstreams: readonly UpstreamConfig[], routes: Record<string, string> = {}) {
    for (const upstream of upstreams) this.byName.set(normaliseRegistryHost(upstream.name), upstream);
    this.routes = routes;
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  resolve(request: RouteRequest): RouteResult {
    if (request.ns) {
      const upstream = this.byName.get(normaliseRegistryHost(request.ns));
      return upstream
        ? { ok: true, upstream }
        : { ok: false, message: `no upstream is configured for registry "${request.ns}" (configured: ${this.names.join(', ')})` };
    }
    const host = (request.host ?? '').toLowerCase();
    const hostOnly = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0] ?? '';
    const candidates = [host, hostOnly, request.localPort === undefined ? '' : `:${request.localPort}`];
    for (const key of candidates) {
      const target = key ? this.routes[key] : undefined;
      const upstream = target === undefined ? undefined : this.byName.get(target);
      if (upstream) return { ok: true, upstream };
    }
    return {
      ok: false,
      message: `cannot tell which upstream registry this request is for: send ?ns=<registry> (containerd does) or configure a route for host "${host}" or port ${request.localPort ?? '?'}`,
    };
  }
}

/**
 * The registry-cache extension's providerConfig
 * (`registry.extensions.gardener.cloud` RegistryConfig), validated as
 * Gardener's extension admission does: every problem names its field.
 */
import { ValidationError, type Problem } from '@seedbed/core';
import type { Shoot } from '@seedbed/gardener-api';

export const EXTENSION_TYPE = 'registry-cache';
export const CONFIG_API_GROUP = 'registry.extensions.gardener.cloud';
export const CONFIG_KIND = 'RegistryConfig';
export const DEFAULT_VOLUME_SIZE = '10Gi';
export const DEFAULT_GC_TTL = '168h';

export interface RegistryCache {
  upstream: string;
  remoteURL: string;
  volumeSize: string;
  ttl: string;
  secretReferenceName?: string;
  httpTLS: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const UPSTREAM = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

/** The extension entry of a shoot, when enabled. */
export function registryCacheExtension(shoot: Shoot): { index: number; providerConfig: unknown } | undefined {
  const index = (shoot.spec.extensions ?? []).findIndex((e) => e.type === EXTENSION_TYPE && !e.disabled);
  return index < 0 ? undefined : { index, providerConfig: shoot.spec.extensions![index]!.providerConfig };
}

export function parseRegistryConfig(shoot: Shoot): RegistryCache[] | undefined {
  const extension = registryCacheExtension(shoot);
  if (!extension) return undefined;
  const base = `spec.extensions[${extension.index}].providerConfig`;
  const problems: Problem[] = [];
  const config = extension.providerConfig;
  const caches: RegistryCache[] = [];
  if (!isObject(config)) {
    problems.push({ path: base, message: `must be a ${CONFIG_KIND} (apiVersion ${CONFIG_API_GROUP}/v1alpha3)` });
  } else {
    if (typeof config.apiVersion !== 'string' || !config.apiVersion.startsWith(`${CONFIG_API_GROUP}/`)) {
      problems.push({ path: `${base}.apiVersion`, message: `must be ${CONFIG_API_GROUP}/v1alpha3, got ${JSON.stringify(config.apiVersion)}` });
    }
    if (config.kind !== CONFIG_KIND) problems.push({ path: `${base}.kind`, message: `must be ${CONFIG_KIND}, got ${JSON.stringify(config.kind)}` });
    const list = config.caches;
    if (!Array.isArray(list) || list.length === 0) problems.push({ path: `${base}.caches`, message: 'must list at least one cache' });
    const seen = new Set<string>();
    (Array.isArray(list) ? list : []).forEach((entry: unknown, i) => {
      const path = `${base}.caches[${i}]`;
      if (!isObject(entry)) return problems.push({ path, message: 'must be an object' });
      const upstream = entry.upstream;
      if (typeof upstream !== 'string' || !UPSTREAM.test(upstream)) {
        return problems.push({ path: `${path}.upstream`, message: `must be a registry host[:port] without scheme, e.g. docker.io or ghcr.io (got ${JSON.stringify(upstream)})` });
      }
      if (seen.has(upstream)) problems.push({ path: `${path}.upstream`, message: `duplicate upstream ${upstream}` });
      seen.add(upstream);
      let remoteURL = upstream === 'docker.io' ? 'https://registry-1.docker.io' : `https://${upstream}`;
      if (entry.remoteURL !== undefined) {
        if (typeof entry.remoteURL !== 'string' || !/^https?:\/\/[^/\s]+\/?$/.test(entry.remoteURL)) {
          problems.push({ path: `${path}.remoteURL`, message: 'must be an http(s) URL of a registry, e.g. https://registry-1.docker.io' });
        } else remoteURL = entry.remoteURL.replace(/\/$/, '');
      }
      const volume = entry.volume;
      const size = isObject(volume) && volume.size !== undefined ? volume.size : DEFAULT_VOLUME_SIZE;
      if (typeof size !== 'string' || !QUANTITY.test(size)) problems.push({ path: `${path}.volume.size`, message: 'must be a quantity such as 10Gi' });
      const gc = entry.garbageCollection;
      const ttl = isObject(gc) && gc.ttl !== undefined ? gc.ttl : DEFAULT_GC_TTL;
      if (typeof ttl !== 'string' || !DURATION.test(ttl)) problems.push({ path: `${path}.garbageCollection.ttl`, message: 'must be a duration such as 168h (0s disables garbage collection)' });
      if (entry.secretReferenceName !== undefined && typeof entry.secretReferenceName !== 'string') {
        problems.push({ path: `${path}.secretReferenceName`, message: 'must name an entry of spec.resources' });
      }
      if (typeof entry.secretReferenceName === 'string' && !(shoot.spec as { resources?: Array<{ name: string }> }).resources?.some((r) => r.name === entry.secretReferenceName)) {
        problems.push({ path: `${path}.secretReferenceName`, message: `no entry "${entry.secretReferenceName}" in spec.resources` });
      }
      const http = entry.http;
      const tls = isObject(http) && http.tls !== undefined ? http.tls : true;
      if (typeof tls !== 'boolean') problems.push({ path: `${path}.http.tls`, message: 'must be true or false' });
      caches.push({ upstream, remoteURL, volumeSize: String(size), ttl: String(ttl), secretReferenceName: entry.secretReferenceName as string | undefined, httpTLS: tls === true });
    });
  }
  if (problems.length) throw new ValidationError(`registry-cache extension of shoot ${shoot.metadata.namespace}/${shoot.metadata.name}`, problems);
  return caches;
}

/**
 * Configuration: the schema, the defaults (named constants) and validation in
 * one place. Layers (file, environment, flags) are merged in that order and
 * checked once; every problem found is reported in a single ValidationError.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ValidationError, type Problem } from '@seedbed/core';
import { normaliseRegistryHost } from '../upstream/routing.ts';
import { parseListenAddress, type ListenAddress } from './listen-address.ts';
import { parseSize } from './size.ts';

export const DEFAULT_LISTEN = '127.0.0.1:5000';
export const DEFAULT_TAG_REVALIDATE_SECONDS = 60;
export const DEFAULT_BLOB_TTL_HOURS = 24 * 7;
export const DEFAULT_MAX_STORAGE_BYTES = 0; // unlimited
export const DEFAULT_MIN_FREE_BYTES = 256 * 1024 ** 2;
export const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 ** 2;
export const DEFAULT_UPSTREAM_CONNECT_TIMEOUT_MS = 2_000;
export const DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS = 30_000;
export const DEFAULT_UPSTREAM_DOWN_COOLDOWN_MS = 5_000;
export const DEFAULT_REQUEST_HEADERS_TIMEOUT_MS = 10_000;

export interface UpstreamConfig {
  /** Registry host as containerd sends it in `?ns=`, e.g. `docker.io`. */
  name: string;
  /** Base URL of the registry API, e.g. `https://registry-1.docker.io`. */
  url: string;
  username?: string;
  password?: string;
}

export interface RegistryCacheConfig {
  listen: ListenAddress[];
  storage: string;
  upstreams: UpstreamConfig[];
  /** `host`, `host:port` or `:port` of a request (Host header / local port) → upstream name, for clients that send no `ns`. */
  routes: Record<string, string>;
  tls?: { cert: string; key: string };
  tagRevalidateSeconds: number;
  blobTtlHours: number;
  maxStorageBytes: number;
  minFreeBytes: number;
  maxManifestBytes: number;
  upstreamConnectTimeoutMs: number;
  upstreamIdleTimeoutMs: number;
  upstreamDownCooldownMs: number;
  requestHeadersTimeoutMs: number;
}

/** One source of settings, as loosely typed as it arrives; validated after merging. */
export interface ConfigLayer {
  source: string;
  values: Record<string, unknown>;
}

const KNOWN_KEYS = new Set([
  'listen', 'storage', 'upstreams', 'routes', 'tls', 'tagRevalidateSeconds', 'blobTtlHours', 'maxStorageBytes', 'minFreeBytes',
  'maxManifestBytes', 'upstreamConnectTimeoutMs', 'upstreamIdleTimeoutMs', 'upstreamDownCooldownMs', 'requestHeadersTimeoutMs',
]);

/** Merges layers (later wins; `upstreams` and `routes` are combined by name) and validates the result. */
export function resolveConfig(layers: readonly ConfigLayer[], baseDir = process.cwd()): RegistryCacheConfig {
  const problems: Problem[] = [];
  const merged: Record<string, unknown> = {};
  const upstreams = new Map<string, Record<string, unknown>>();
  const routes: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values)) {
      if (value === undefined) continue;
      if (!KNOWN_KEYS.has(key)) {
        problems.push({ path: key, message: `unknown setting (in ${layer.source})` });
        continue;
      }
      if (key === 'upstreams') {
        for (const [index, entry] of upstreamEntries(value, layer.source, problems)) {
          const name = typeof entry.name === 'string' ? normaliseRegistryHost(entry.name) : `#${index}`;
          upstreams.set(name, { ...upstreams.get(name), ...entry });
        }
      } else if (key === 'routes') {
        if (!isRecord(value)) problems.push({ path: 'routes', message: `must be a map of host[:port] to upstream name (in ${layer.source})` });
        else Object.assign(routes, value);
      } else {
        merged[key] = value;
      }
    }
  }

  const listenRaw = merged.listen ?? [DEFAULT_LISTEN];
  const listen: ListenAddress[] = [];
  for (const [i, text] of (Array.isArray(listenRaw) ? listenRaw : [listenRaw]).entries()) {
    const parsed = typeof text === 'string' ? parseListenAddress(text) : 'must be a string ADDR:PORT';
    if (typeof parsed === 'string') problems.push({ path: `listen[${i}]`, message: parsed });
    else listen.push(parsed);
  }

  let storage = '';
  if (typeof merged.storage !== 'string' || merged.storage === '') problems.push({ path: 'storage', message: 'a storage directory is required (--storage DIR)' });
  else storage = isAbsolute(merged.storage) ? merged.storage : resolve(baseDir, merged.storage);

  const upstreamList: UpstreamConfig[] = [];
  for (const [name, entry] of upstreams) upstreamList.push(validateUpstream(name, entry, baseDir, problems));
  if (upstreamList.length === 0) problems.push({ path: 'upstreams', message: 'at least one upstream is required (--upstream NAME=URL)' });

  const routeMap: Record<string, string> = {};
  for (const [key, target] of Object.entries(routes)) {
    const name = typeof target === 'string' ? normaliseRegistryHost(target) : '';
    if (!upstreams.has(name)) problems.push({ path: `routes.${key}`, message: `names no configured upstream ("${String(target)}")` });
    else if (!/^([a-zA-Z0-9.-]+|\[[0-9a-fA-F:.]+\])?(:\d+)?$/.test(key) || key === '') problems.push({ path: `routes.${key}`, message: 'key must be host, host:port or :port' });
    else routeMap[key.toLowerCase()] = name;
  }

  let tls: RegistryCacheConfig['tls'];
  if (merged.tls !== undefined) {
    const t = merged.tls;
    if (!isRecord(t) || typeof t.cert !== 'string' || typeof t.key !== 'string') problems.push({ path: 'tls', message: 'needs both cert and key (--tls-cert and --tls-key)' });
    else tls = { cert: resolve(baseDir, t.cert), key: resolve(baseDir, t.key) };
  }

  const number = (key: keyof RegistryCacheConfig, fallback: number, min: number, size = false): number => {
    const raw = merged[key];
    if (raw === undefined) return fallback;
    const value = size ? parseSize(raw) : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      problems.push({ path: key, message: `must be ${size ? 'a size such as 20GiB' : 'a number'} >= ${min} (got ${JSON.stringify(raw)})` });
      return fallback;
    }
    return value;
  };
  const config: RegistryCacheConfig = {
    listen,
    storage,
    upstreams: upstreamList,
    routes: routeMap,
    tls,
    tagRevalidateSeconds: number('tagRevalidateSeconds', DEFAULT_TAG_REVALIDATE_SECONDS, 0),
    blobTtlHours: number('blobTtlHours', DEFAULT_BLOB_TTL_HOURS, 0),
    maxStorageBytes: number('maxStorageBytes', DEFAULT_MAX_STORAGE_BYTES, 0, true),
    minFreeBytes: number('minFreeBytes', DEFAULT_MIN_FREE_BYTES, 0, true),
    maxManifestBytes: number('maxManifestBytes', DEFAULT_MAX_MANIFEST_BYTES, 1024, true),
    upstreamConnectTimeoutMs: number('upstreamConnectTimeoutMs', DEFAULT_UPSTREAM_CONNECT_TIMEOUT_MS, 1),
    upstreamIdleTimeoutMs: number('upstreamIdleTimeoutMs', DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS, 1),
    upstreamDownCooldownMs: number('upstreamDownCooldownMs', DEFAULT_UPSTREAM_DOWN_COOLDOWN_MS, 0),
    requestHeadersTimeoutMs: number('requestHeadersTimeoutMs', DEFAULT_REQUEST_HEADERS_TIMEOUT_MS, 1),
  };
  if (problems.length) throw new ValidationError(`registry-cache configuration (${layers.map((l) => l.source).join(', ') || 'defaults'})`, problems);
  return config;
}

function upstreamEntries(value: unknown, source: string, problems: Problem[]): Array<[number, Record<string, unknown>]> {
  if (Array.isArray(value)) {
    return value.flatMap((entry, i): Array<[number, Record<string, unknown>]> => {
      if (isRecord(entry)) return [[i, entry]];
      problems.push({ path: `upstreams[${i}]`, message: `must be an object with name and url (in ${source})` });
      return [];
    });
  }
  if (isRecord(value)) {
    return Object.entries(value).map(([name, entry], i): [number, Record<string, unknown>] => [i, isRecord(entry) ? { name, ...entry } : { name, url: entry }]);
  }
  problems.push({ path: 'upstreams', message: `must be a list or a map (in ${source})` });
  return [];
}

function validateUpstream(name: string, entry: Record<string, unknown>, baseDir: string, problems: Problem[]): UpstreamConfig {
  const path = `upstreams.${name}`;
  for (const key of Object.keys(entry)) {
    if (!['name', 'url', 'username', 'password', 'passwordFile'].includes(key)) problems.push({ path: `${path}.${key}`, message: 'unknown setting' });
  }
  if (name.startsWith('#') || !/^[a-z0-9.-]+(:\d+)?$/.test(name)) problems.push({ path, message: 'name must be a registry host such as docker.io or ghcr.io' });
  let url = '';
  try {
    const parsed = new URL(String(entry.url ?? ''));
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') problems.push({ path: `${path}.url`, message: 'must be an http:// or https:// URL' });
    if (parsed.username || parsed.password) problems.push({ path: `${path}.url`, message: 'must not contain credentials; use username and passwordFile' });
    if (parsed.search || parsed.hash) problems.push({ path: `${path}.url`, message: 'must not have a query or fragment' });
    url = parsed.origin + parsed.pathname.replace(/\/+$/, '');
  } catch {
    problems.push({ path: `${path}.url`, message: `"${String(entry.url ?? '')}" is not a URL` });
  }
  const upstream: UpstreamConfig = { name, url };
  if (entry.username !== undefined) {
    if (typeof entry.username !== 'string' || entry.username === '') problems.push({ path: `${path}.username`, message: 'must be a non-empty string' });
    else upstream.username = entry.username;
  }
  if (entry.password !== undefined && entry.passwordFile !== undefined) problems.push({ path, message: 'set password or passwordFile, not both' });
  if (typeof entry.password === 'string') upstream.password = entry.password;
  if (entry.passwordFile !== undefined) {
    try {
      upstream.password = readFileSync(resolve(baseDir, String(entry.passwordFile)), 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push({ path: `${path}.passwordFile`, message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
    }
  }
  if ((upstream.username === undefined) !== (upstream.password === undefined)) problems.push({ path, message: 'username and password go together' });
  return upstream;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Redacts secrets so a config can be logged or printed. */
export function redactConfig(config: RegistryCacheConfig): unknown {
  return { ...config, upstreams: config.upstreams.map((u) => ({ ...u, password: u.password === undefined ? undefined : '<redacted>' })) };
}

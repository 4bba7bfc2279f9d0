/** Turns the config file, the environment and command-line flags into config layers. */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { SeedbedError, ValidationError } from '@seedbed/core';
import type { ConfigLayer } from './config.ts';

export const ENV_PREFIX = 'SEEDBED_REGISTRY_CACHE_';

/** Reads a YAML or JSON file (JSON is YAML); a parse error names the file and line. */
export async function readConfigFile(path: string): Promise<ConfigLayer> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SeedbedError('CONFIG_UNREADABLE', `cannot read config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let values: unknown;
  try {
    values = parseYaml(text) ?? {};
  } catch (error) {
    throw new ValidationError(`config file ${path}`, [{ path: '', message: (error as Error).message }]);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new ValidationError(`config file ${path}`, [{ path: '', message: 'must be a mapping of settings' }]);
  }
  return { source: path, values: values as Record<string, unknown> };
}

/** Parses `NAME=URL` pairs, as given to --upstream or in SEEDBED_REGISTRY_CACHE_UPSTREAMS (comma separated). */
export function parseUpstreamPairs(pairs: readonly string[], source: string): ConfigLayer {
  const upstreams: Array<Record<string, unknown>> = [];
  const problems: Array<{ path: string; message: string }> = [];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) problems.push({ path: 'upstream', message: `"${pair}" is not NAME=URL (e.g. docker.io=https://registry-1.docker.io)` });
    else upstreams.push({ name: pair.slice(0, at), url: pair.slice(at + 1) });
  }
  if (problems.length) throw new ValidationError(source, problems);
  return { source, values: { upstreams } };
}

/** SEEDBED_REGISTRY_CACHE_* variables; lists are comma separated. */
export function configFromEnv(env: NodeJS.ProcessEnv): ConfigLayer[] {
  const get = (name: string) => {
    const value = env[`${ENV_PREFIX}${name}`];
    return value === undefined || value === '' ? undefined : value;
  };
  const list = (name: string) => get(name)?.split(',').map((s) => s.trim()).filter(Boolean);
  const values: Record<string, unknown> = {
    listen: list('LISTEN'),
    storage: get('STORAGE'),
    tagRevalidateSeconds: get('TAG_REVALIDATE_SECONDS'),
    blobTtlHours: get('BLOB_TTL_HOURS'),
    maxStorageBytes: get('MAX_STORAGE'),
    minFreeBytes: get('MIN_FREE'),
  };
  const cert = get('TLS_CERT');
  const key = get('TLS_KEY');
  if (cert !== undefined || key !== undefined) values.tls = { cert, key };
  const layers: ConfigLayer[] = [{ source: `${ENV_PREFIX}* environment`, values }];
  const upstreams = list('UPSTREAMS');
  if (upstreams) layers.push(parseUpstreamPairs(upstreams, `${ENV_PREFIX}UPSTREAMS`));
  return layers;
}

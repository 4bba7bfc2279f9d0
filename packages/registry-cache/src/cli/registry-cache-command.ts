/**
 * `registry-cache serve`: the command line of the cache, as a commander
 * Command the seedbed CLI mounts. Settings come from --config (YAML/JSON),
 * SEEDBED_REGISTRY_CACHE_* variables and flags, in increasing precedence.
 */
import { Command } from 'commander';
import { createLogger, describeError } from '@seedbed/core';
import { resolveConfig, type ConfigLayer, type RegistryCacheConfig } from '../config/config.ts';
import { configFromEnv, ENV_PREFIX, parseUpstreamPairs, readConfigFile } from '../config/config-sources.ts';
import { createJsonLog, type JsonLog } from '../log/json-log.ts';
import { RegistryCacheServer } from '../server/registry-cache-server.ts';

export interface ServeFlags {
  listen?: string[];
  storage?: string;
  upstream?: string[];
  config?: string;
  tlsCert?: string;
  tlsKey?: string;
  maxStorage?: string;
  tagRevalidateSeconds?: string;
  blobTtlHours?: string;
}

/** Builds the effective configuration from a config file, the environment and flags. */
export async function configFromFlags(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): Promise<RegistryCacheConfig> {
  const layers: ConfigLayer[] = [];
  const file = flags.config ?? env[`${ENV_PREFIX}CONFIG`];
  if (file) layers.push(await readConfigFile(file));
  layers.push(...configFromEnv(env));
  const values: Record<string, unknown> = {
    listen: flags.listen?.length ? flags.listen : undefined,
    storage: flags.storage,
    maxStorageBytes: flags.maxStorage,
    tagRevalidateSeconds: flags.tagRevalidateSeconds,
    blobTtlHours: flags.blobTtlHours,
  };
  if (flags.tlsCert !== undefined || flags.tlsKey !== undefined) values.tls = { cert: flags.tlsCert, key: flags.tlsKey };
  layers.push({ source: 'command-line flags', values });
  if (flags.upstream?.length) layers.push(parseUpstreamPairs(flags.upstream, '--upstream'));
  return resolveConfig(layers);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registryCacheCommand(options: { log?: JsonLog } = {}): Command {
  const command = new Command('registry-cache').description('OCI pull-through cache for one or more upstream registries');
  command
    .command('serve')
    .description('run the cache until SIGINT/SIGTERM')
    .option('--listen <addr:port>', 'address to listen on; repeatable (127.0.0.1:5000, [::1]:5000, :5000)', collect)
    .option('--storage <dir>', 'directory for cached content')
    .option('--upstream <name=url>', 'upstream registry, NAME as containerd sends it in ?ns= (docker.io=https://registry-1.docker.io); repeatable', collect)
    .option('--config <file>', `YAML or JSON config file (also ${ENV_PREFIX}CONFIG)`)
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'private key for --tls-cert (PEM)')
    .option('--max-storage <size>', 'size cap with LRU eviction, e.g. 20GiB (0 = none)')
    .option('--tag-revalidate-seconds <n>', 'how long a tag answer is trusted before a HEAD upstream')
    .option('--blob-ttl-hours <n>', 'evict blobs unused for this long (0 = never)')
    .addHelpText('after', `\nEnvironment: ${ENV_PREFIX}{CONFIG,LISTEN,STORAGE,UPSTREAMS,TLS_CERT,TLS_KEY,MAX_STORAGE,MIN_FREE,TAG_REVALIDATE_SECONDS,BLOB_TTL_HOURS}`)
    .action(async (flags: ServeFlags) => {
      const log = options.log ?? createJsonLog();
      let server: RegistryCacheServer | undefined;
      try {
        const config = await configFromFlags(flags);
        server = new RegistryCacheServer({ config, log, debug: createLogger('registry-cache') });
        await server.start();
      } catch (error) {
        log.log('error', describeError(error));
        process.exitCode = 1;
        return;
      }
      await new Promise<void>((resolve) => {
        const onSignal = (signal: NodeJS.Signals) => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          log.log('info', 'shutting down', { signal });
          void server!.stop().then(resolve);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      log.log('info', 'stopped');
    });
  return command;
}

/** Test helper: an in-process cache on 127.0.0.1 (kernel-chosen port) with temp storage and captured JSON logs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@seedbed/core';
import { resolveConfig, type RegistryCacheConfig } from '../config/config.ts';
import { createJsonLog } from '../log/json-log.ts';
import { RegistryCacheServer } from '../server/registry-cache-server.ts';
import type { BlobSinkFactory } from '../storage/blob-sink.ts';
import type { FreeSpaceProbe } from '../storage/free-space.ts';

export interface CacheUnderTest {
  server: RegistryCacheServer;
  url: string;
  storage: string;
  logs: string[];
  config: RegistryCacheConfig;
  stop(): Promise<void>;
}

export async function startCache(
  values: Record<string, unknown>,
  deps: { clock?: Clock; freeSpace?: FreeSpaceProbe; sinkFactory?: BlobSinkFactory; storage?: string } = {},
): Promise<CacheUnderTest> {
  const storage = deps.storage ?? mkdtempSync(join(tmpdir(), 'rc-cache-'));
  const config = resolveConfig([{ source: 'test', values: { listen: ['127.0.0.1:0'], storage, minFreeBytes: 0, ...values } }]);
  const logs: string[] = [];
  const server = new RegistryCacheServer({ config, log: createJsonLog((line) => logs.push(line)), clock: deps.clock, freeSpace: deps.freeSpace ?? (async () => 1e12), sinkFactory: deps.sinkFactory });
  try {
    await server.start();
  } catch (error) {
    if (!deps.storage) rmSync(storage, { recursive: true, force: true });
    throw error;
  }
  return {
    server,
    url: server.url(),
    storage,
    logs,
    config,
    async stop() {
      await server.stop(500);
      if (!deps.storage) rmSync(storage, { recursive: true, force: true });
    },
  };
}

/**
 * Wires configuration, storage, upstream clients and the HTTP handler into a
 * running cache listening on one or more addresses (IPv4, IPv6 or both),
 * optionally with TLS, and shuts it down gracefully.
 */
import { readFile } from 'node:fs/promises';
import http, { type Server } from 'node:http';
import https from 'node:https';
import { isIP, type AddressInfo } from 'node:net';
import { SeedbedError, systemClock, type Clock, type Logger } from '@seedbed/core';
import { BlobService } from '../api/blob-service.ts';
import { ManifestService } from '../api/manifest-service.ts';
import { createRegistryHandler } from '../api/registry-handler.ts';
import type { RegistryCacheConfig } from '../config/config.ts';
import { FillRegistry } from '../fill/fill-registry.ts';
import { silentLog, type JsonLog } from '../log/json-log.ts';
import { METRIC_NAMES, Metrics } from '../metrics/metrics.ts';
import type { BlobSinkFactory } from '../storage/blob-sink.ts';
import { BlobStore } from '../storage/blob-store.ts';
import type { FreeSpaceProbe } from '../storage/free-space.ts';
import { ManifestStore } from '../storage/manifest-store.ts';
import { UpstreamRouter } from '../upstream/routing.ts';
import { TokenCache } from '../upstream/token-cache.ts';
import { UpstreamClient } from '../upstream/upstream-client.ts';

export const EVICTION_SWEEP_INTERVAL_MS = 60_000;
export const DEFAULT_SHUTDOWN_GRACE_MS = 5_000;
/** Idle time after which a client connection is closed. */
export const CLIENT_SOCKET_TIMEOUT_MS = 120_000;
export const MAX_CLIENT_CONNECTIONS = 4096;

export interface RegistryCacheServerOptions {
  config: RegistryCacheConfig;
  clock?: Clock;
  freeSpace?: FreeSpaceProbe;
  sinkFactory?: BlobSinkFactory;
  log?: JsonLog;
  debug?: Logger;
}

export class RegistryCacheServer {
  readonly config: RegistryCacheConfig;
  readonly metrics = new Metrics();
  readonly store: BlobStore;
  readonly fills: FillRegistry;
  private readonly clients = new Map<string, UpstreamClient>();
  private readonly servers: Server[] = [];
  private readonly log: JsonLog;
  private readonly options: RegistryCacheServerOptions;
  private sweepTimer?: NodeJS.Timeout;

  constructor(options: RegistryCacheServerOptions) {
    this.options = options;
    this.config = options.config;
    this.log = options.log ?? silentLog;
    const clock = options.clock ?? systemClock;
    this.store = new BlobStore({
      root: this.config.storage,
      maxBytes: this.config.maxStorageBytes,
      ttlMs: this.config.blobTtlHours * 3_600_000,
      minFreeBytes: this.config.minFreeBytes,
      clock,
      freeSpace: options.freeSpace,
      sinkFactory: options.sinkFactory,
      onEvict: (digest, size, reason) => {
        this.metrics.inc(METRIC_NAMES.evictions, { reason });
        this.log.log('info', 'evicted blob', { digest, size, reason });
      },
    });
    this.fills = new FillRegistry(this.store, (n) => this.metrics.set(METRIC_NAMES.fillsInFlight, n));
    const tokens = new TokenCache(clock);
    for (const upstream of this.config.upstreams) {
      this.clients.set(
        upstream.name,
        new UpstreamClient(upstream, {
          connectTimeoutMs: this.config.upstreamConnectTimeoutMs,
          idleTimeoutMs: this.config.upstreamIdleTimeoutMs,
          downCooldownMs: this.config.upstreamDownCooldownMs,
          clock,
          tokens,
          logger: options.debug?.child(upstream.name),
        }),
      );
    }
  }

  /** Addresses actually bound (ports resolved when 0 was asked for). */
  get addresses(): Array<{ host: string; port: number }> {
    return this.servers.map((s) => {
      const a = s.address() as AddressInfo;
      return { host: a.address, port: a.port };
    });
  }

  /** Base URL of the n-th listener, e.g. http://127.0.0.1:5000 or http://[::1]:5000. */
  url(index = 0): string {
    const a = this.addresses[index];
    if (!a) throw new Error(`no listener #${index}`);
    const host = isIP(a.host) === 6 ? `[${a.host}]` : a.host;
    return `${this.config.tls ? 'https' : 'http'}://${host}:${a.port}`;
  }

  async start(): Promise<void> {
    await this.store.init();
    const manifestStore = new ManifestStore(this.config.storage, this.store.tempDir, this.options.clock);
    const handler = createRegistryHandler({
      router: new UpstreamRouter(this.config.upstreams, this.config.routes),
      clients: this.clients,
      manifests: new ManifestService({
        store: manifestStore,
        metrics: this.metrics,
        revalidateMs: this.config.tagRevalidateSeconds * 1000,
        maxBytes: this.config.maxManifestBytes,
        clock: this.options.clock,
      }),
      blobs: new BlobService({ store: this.store, fills: this.fills, metrics: this.metrics }),
      metrics: this.metrics,
      log: this.log,
      beforeMetrics: () => {
        const stats = this.store.stats;
        this.metrics.set(METRIC_NAMES.storedBytes, stats.bytes);
        this.metrics.set(METRIC_NAMES.storedBlobs, stats.blobs);
      },
    });
    const tls = this.config.tls ? { cert: await readFile(this.config.tls.cert), key: await readFile(this.config.tls.key) } : undefined;
    try {
      for (const address of this.config.listen) {
        const server = tls ? https.createServer({ ...tls }, handler) : http.createServer(handler);
        server.headersTimeout = this.config.requestHeadersTimeoutMs;
        server.requestTimeout = this.config.requestHeadersTimeoutMs + 1000;
        server.timeout = CLIENT_SOCKET_TIMEOUT_MS;
        server.maxConnections = MAX_CLIENT_CONNECTIONS;
        await new Promise<void>((resolve, reject) => {
          server.once('error', (error: NodeJS.ErrnoException) =>
            reject(new SeedbedError('LISTEN_FAILED', `cannot listen on ${address.text}: ${error.message}`, { cause: error, hint: error.code === 'EADDRINUSE' ? 'another process uses this port; pick another with --listen' : undefined })),
          );
          server.listen({ host: address.host, port: address.port, ipv6Only: isIP(address.host) === 6 && address.host !== '::' }, resolve);
        });
        this.servers.push(server);
      }
    } catch (error) {
      await this.stop(0);
      throw error;
    }
    this.sweepTimer = setInterval(() => void this.store.evictExpired(), EVICTION_SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    this.log.log('info', 'listening', { addresses: this.servers.map((_, i) => this.url(i)), upstreams: this.config.upstreams.map((u) => u.name) });
  }

  /** Stops accepting connections, lets running responses finish for `graceMs`, then closes everything. */
  async stop(graceMs = DEFAULT_SHUTDOWN_GRACE_MS): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    const closed = this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const server of this.servers) server.closeIdleConnections();
    const timer = setTimeout(() => {
      for (const server of this.servers) server.closeAllConnections();
    }, graceMs);
    await Promise.all(closed);
    clearTimeout(timer);
    this.servers.length = 0;
    for (const client of this.clients.values()) client.close();
    await this.fills.settle();
  }
}

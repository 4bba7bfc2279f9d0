/**
 * Test helper: a minimal registry on loopback whose answers tests control:
 * slow bodies, resets after N bytes, same-length corruption, 429/5xx,
 * Bearer challenges with a token endpoint, Basic auth, and 307 redirects to a
 * separate "blob storage" server that records whether Authorization arrived.
 */
import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type BlobFault =
  | { kind: 'none' }
  | { kind: 'slow'; chunkBytes: number; delayMs: number }
  | { kind: 'reset'; atBytes: number }
  | { kind: 'corrupt' }
  | { kind: 'status'; status: number }
  | { kind: 'redirect'; to: string };

export type AuthMode = { kind: 'none' } | { kind: 'bearer'; username?: string; password?: string; lifetimeSeconds: number } | { kind: 'basic'; username: string; password: string };

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
}

function digestOf(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Streams `data` per the fault; resolves when done writing. */
async function writeBody(res: ServerResponse, data: Buffer, fault: BlobFault, head: boolean, onLastByte?: () => void): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length, 'docker-content-digest': digestOf(data) });
  if (head) return void res.end();
  if (fault.kind === 'corrupt') {
    const bad = Buffer.from(data);
    const at = Math.floor(bad.length / 2);
    bad[at] = (bad[at] ?? 0) ^ 0xff;
    return void res.end(bad);
  }
  if (fault.kind === 'reset') {
    res.write(data.subarray(0, fault.atBytes));
    await new Promise((r) => setTimeout(r, 30));
    res.socket?.destroy();
    return;
  }
  if (fault.kind === 'slow') {
    for (let offset = 0; offset < data.length; offset += fault.chunkBytes) {
      if (res.destroyed) return;
      res.write(data.subarray(offset, offset + fault.chunkBytes));
      if (offset + fault.chunkBytes >= data.length) onLastByte?.();
      await new Promise((r) => setTimeout(r, fault.delayMs));
    }
  }
  if (fault.kind !== 'slow') onLastByte?.();
  res.end(fault.kind === 'slow' ? undefined : data);
}

/** A second loopback server standing in for blob storage (S3, GCS) behind a registry redirect. */
export class BlobStorageServer {
  readonly requests: RecordedRequest[] = [];
  readonly blobs = new Map<string, Buffer>();
  private server = http.createServer((req, res) => {
    this.requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
    const data = this.blobs.get((req.url ?? '').split('?')[0]?.replace('/storage/', '') ?? '');
    if (!data) return void res.writeHead(404).end();
    void writeBody(res, data, { kind: 'none' }, req.method === 'HEAD');
  });
  url = '';

  async start(): Promise<this> {
    this.url = `http://127.0.0.1:${await listen(this.server)}`;
    return this;
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}

export class FaultUpstream {
  readonly requests: RecordedRequest[] = [];
  readonly tokenRequests: Array<{ scope: string | null; authorization?: string }> = [];
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, { body: Buffer; mediaType: string }>();
  blobFault: BlobFault = { kind: 'none' };
  manifestStatus?: number;
  auth: AuthMode = { kind: 'none' };
  /** When the last byte of a blob was written by the upstream (performance.now). */
  readonly blobFinishedAt = new Map<string, number>();
  private readonly tokens = new Map<string, string>();
  private tokenCounter = 0;
  url = '';
  port = 0;
  private server = http.createServer((req, res) => void this.handle(req, res));

  async start(): Promise<this> {
    this.port = await listen(this.server);
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }

  stop(): Promise<void> {
    return close(this.server);
  }

  /** Drops every issued token, as if they expired upstream. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  addBlob(data: Buffer): string {
    const digest = digestOf(data);
    this.blobs.set(digest, data);
    return digest;
  }

  /** Adds an image manifest (for `repo:tag` and by digest) referencing the given blobs. */
  addImage(repository: string, tag: string, layers: Buffer[]): { manifestDigest: string; layerDigests: string[]; body: Buffer } {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, tag }));
    const configDigest = this.addBlob(config);
    const layerDigests = layers.map((l) => this.addBlob(l));
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: layers.map((l, i) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigests[i], size: l.length })),
      }),
    );
    const manifestDigest = digestOf(body);
    const entry = { body, mediaType: 'application/vnd.oci.image.manifest.v1+json' };
    this.manifests.set(`${repository}:${tag}`, entry);
    this.manifests.set(`${repository}@${manifestDigest}`, entry);
    return { manifestDigest, layerDigests, body };
  }

  count(method: string, pathPart: string): number {
    return this.requests.filter((r) => r.method === method && r.path.includes(pathPart)).length;
  }

  private authorized(req: IncomingMessage, repository: string): boolean {
    const header = req.headers.authorization ?? '';
    if (this.auth.kind === 'none') return true;
    if (this.auth.kind === 'basic') return header === `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`;
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    return this.tokens.get(token) === `repository:${repository}:pull`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method: req.method ?? '', path: url.pathname + url.search, authorization: req.headers.authorization });
    if (url.pathname === '/token') return this.token(req, res, url);
    if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
    const match = /^\/v2\/(.+)\/(manifests|blobs|tags)\/(.+)$/.exec(url.pathname);
    if (!match) return void res.writeHead(404).end();
    const [, repository = '', section, reference = ''] = match;
    if (!this.authorized(req, repository)) {
      const challenge =
        this.auth.kind === 'basic' ? 'Basic realm="fault"' : `Bearer realm="${this.url}/token",service="fault-upstream",scope="repository:${repository}:pull"`;
      return void res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    }
    const head = req.method === 'HEAD';
    if (section === 'tags') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: repository, tags: this.tagsOf(repository) }));
    if (section === 'manifests') {
      if (this.manifestStatus) return void res.writeHead(this.manifestStatus).end();
      const entry = this.manifests.get(reference.startsWith('sha256:') ? `${repository}@${reference}` : `${repository}:${reference}`);
      if (!entry) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      res.writeHead(200, { 'content-type': entry.mediaType, 'content-length': entry.body.length, 'docker-content-digest': digestOf(entry.body) });
      return void res.end(head ? undefined : entry.body);
    }
    const data = this.blobs.get(reference);
    if (!data) return void res.writeHead(404).end();
    const fault = this.blobFault;
    if (fault.kind === 'status') return void res.writeHead(fault.status, { 'retry-after': '1' }).end();
    if (fault.kind === 'redirect') return void res.writeHead(307, { location: `${fault.to}/storage/${reference}?X-Signature=abc` }).end();
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && fault.kind === 'none') {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), data.length - 1) : data.length - 1;
      res.writeHead(206, { 'content-type': 'application/octet-stream', 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${data.length}` });
      return void res.end(head ? undefined : data.subarray(start, end + 1));
    }
    await writeBody(res, data, fault, head, () => this.blobFinishedAt.set(reference, performance.now()));
  }

  private tagsOf(repository: string): string[] {
    return [...this.manifests.keys()].filter((k) => k.startsWith(`${repository}:`)).map((k) => k.slice(repository.length + 1));
  }

  private token(req: IncomingMessage, res: ServerResponse, url: URL): void {
    this.tokenRequests.push({ scope: url.searchParams.get('scope'), authorization: req.headers.authorization });
    if (this.auth.kind !== 'bearer') return void res.writeHead(404).end();
    if (this.auth.username !== undefined) {
      const expected = `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return void res.writeHead(401).end();
    }
    const token = `token-${++this.tokenCounter}`;
    this.tokens.set(token, url.searchParams.get('scope') ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: this.auth.lifetimeSeconds }));
  }
}

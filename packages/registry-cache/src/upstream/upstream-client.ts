/**
 * Talks to one configured upstream registry: anonymous, Basic, or the Bearer
 * token flow (per-repository pull scope, tokens cached until expiry and
 * refreshed on 401), following redirects to blob storage without the
 * Authorization header. After a connection failure the upstream is treated as
 * down for a short cooldown, so uncached requests fail at once.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { systemClock, type Clock, type Logger } from '@seedbed/core';
import type { UpstreamConfig } from '../config/config.ts';
import { parseAuthChallenges, type AuthChallenge } from './auth-challenge.ts';
import { drain, readBody, send } from './http-send.ts';
import { TokenCache } from './token-cache.ts';
import { UpstreamError } from './upstream-error.ts';

export const MAX_REDIRECTS = 5;
export const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

export interface UpstreamClientOptions {
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  downCooldownMs: number;
  clock?: Clock;
  tokens?: TokenCache;
  logger?: Logger;
}

export interface UpstreamRequest {
  method: 'GET' | 'HEAD';
  /** Repository name as the upstream knows it (e.g. `library/busybox`). */
  repository: string;
  /** Path below the repository, e.g. `/manifests/latest`. */
  path: string;
  headers?: Record<string, string>;
}

export class UpstreamClient {
  readonly config: UpstreamConfig;
  private readonly options: UpstreamClientOptions;
  private readonly clock: Clock;
  private readonly tokens: TokenCache;
  private readonly agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };
  /** How this upstream wants to be authenticated, learnt from its challenges. */
  private scheme: 'none' | 'basic' | 'bearer' = 'none';
  private bearer?: AuthChallenge;
  private downUntil = -Infinity;

  constructor(config: UpstreamConfig, options: UpstreamClientOptions) {
    this.config = config;
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.tokens = options.tokens ?? new TokenCache(this.clock);
  }

  /** Whether a recent connection failure marks this upstream as down. */
  get isDown(): boolean {
    return this.clock.now() < this.downUntil;
  }

  /** Sends the request, authenticating and following redirects; resolves with the final response (any status). */
  async request(request: UpstreamRequest): Promise<IncomingMessage> {
    if (this.isDown) throw new UpstreamError(this.config.name, 'unreachable', 'is down (recent connection failure); not retrying yet');
    const scope = `repository:${request.repository}:pull`;
    const url = new URL(`${this.config.url}/v2/${request.repository}${request.path}`);
    let response = await this.sendWithRedirects(url, request, await this.authorization(scope, false));
    if (response.statusCode === 401) {
      const challenges = parseAuthChallenges(response.headers['www-authenticate']);
      drain(response);
      this.learn(challenges);
      if (this.scheme === 'none') return response;
      response = await this.sendWithRedirects(url, request, await this.authorization(scope, true));
    }
    return response;
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private learn(challenges: AuthChallenge[]): void {
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    if (bearer) {
      this.scheme = 'bearer';
      this.bearer = bearer;
    } else if (challenges.some((c) => c.scheme === 'basic') && this.config.username !== undefined) {
      this.scheme = 'basic';
    }
  }

  private basicCredentials(): string | undefined {
    if (this.config.username === undefined || this.config.password === undefined) return undefined;
    return `Basic ${Buffer.from(`${this.config.username}:${this.config.password}`).toString('base64')}`;
  }

  private async authorization(scope: string, refresh: boolean): Promise<string | undefined> {
    if (this.scheme === 'basic') return this.basicCredentials();
    if (this.scheme !== 'bearer' || !this.bearer) return undefined;
    const key = `${this.config.name} ${scope}`;
    if (refresh) this.tokens.invalidate(key);
    const cached = this.tokens.get(key);
    if (cached) return `Bearer ${cached}`;
    const token = await this.fetchToken(this.bearer, scope);
    this.tokens.set(key, token.token, token.expiresIn);
    return `Bearer ${token.token}`;
  }

  private async fetchToken(challenge: AuthChallenge, scope: string): Promise<{ token: string; expiresIn?: number }> {
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm ?? '');
    } catch {
      throw new UpstreamError(this.config.name, 'auth', 'sent a Bearer challenge without a usable realm');
    }
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.set('scope', scope);
    const headers: Record<string, string> = { accept: 'application/json' };
    const basic = this.basicCredentials();
    if (basic) headers.authorization = basic;
    let response: IncomingMessage;
    try {
      response = await send(realm, { method: 'GET', headers, connectTimeoutMs: this.options.connectTimeoutMs, idleTimeoutMs: this.options.idleTimeoutMs, agents: this.agents });
    } catch (error) {
      throw new UpstreamError(this.config.name, 'unreachable', `token endpoint ${realm.origin}${realm.pathname} is unreachable: ${(error as Error).message}`, { cause: error });
    }
    if (response.statusCode !== 200) {
      drain(response);
      throw new UpstreamError(this.config.name, 'auth', `token endpoint ${realm.origin}${realm.pathname} answered ${response.statusCode}`, { status: response.statusCode });
    }
    try {
      const body = JSON.parse((await readBody(response, MAX_TOKEN_RESPONSE_BYTES)).toString('utf8')) as Record<string, unknown>;
      const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
      if (!token) throw new Error('no token in the response');
      return { token, expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined };
    } catch (error) {
      throw new UpstreamError(this.config.name, 'auth', `token endpoint answer is unusable: ${(error as Error).message}`, { cause: error });
    }
  }

  private async sendWithRedirects(url: URL, request: UpstreamRequest, authorization: string | undefined): Promise<IncomingMessage> {
    let current = url;
    const headers: Record<string, string> = { 'user-agent': 'seedbed-registry-cache', ...request.headers };
    if (authorization) headers.authorization = authorization;
    for (let hop = 0; ; hop++) {
      let response: IncomingMessage;
      try {
        response = await send(current, { method: request.method, headers, connectTimeoutMs: this.options.connectTimeoutMs, idleTimeoutMs: this.options.idleTimeoutMs, agents: this.agents });
      } catch (error) {
        if (hop === 0) this.downUntil = this.clock.now() + this.options.downCooldownMs;
        throw new UpstreamError(this.config.name, 'unreachable', `${request.method} ${current.origin}${current.pathname} failed: ${(error as Error).message}`, { cause: error });
      }
      if (hop === 0) this.downUntil = -Infinity;
      const location = response.headers.location;
      if (![301, 302, 303, 307, 308].includes(response.statusCode ?? 0) || !location) return response;
      drain(response);
      if (hop >= MAX_REDIRECTS) throw new UpstreamError(this.config.name, 'protocol', `more than ${MAX_REDIRECTS} redirects`);
      current = new URL(location, current);
      // blob storage gets its own (signed) URL; the registry's credentials never follow a redirect
      delete headers.authorization;
      this.options.logger?.debug('redirect to %s%s', current.origin, current.pathname);
    }
  }
}

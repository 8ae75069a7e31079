import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN } from './test-app';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

/** A thin client over Fastify's inject: real routing, guards, pipes and filters, no socket. */
export class Http {
  constructor(
    private readonly app: NestFastifyApplication,
    private readonly token?: string,
  ) {}

  as(token: string): Http {
    return new Http(this.app, token);
  }

  async request<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const res = await this.app.inject({
      method,
      url,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined && typeof body !== 'string'
          ? { 'content-type': 'application/json' }
          : {}),
        ...headers,
      },
      payload:
        body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    let parsed: unknown = res.body;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      // not JSON (diagram, metrics): keep the text
    }
    return { status: res.statusCode, body: parsed as T, headers: res.headers };
  }

  /** A raw body (a multipart upload) and the raw reply bytes (a download), parsed when JSON. */
  async raw<T = Record<string, unknown>>(
    method: 'GET' | 'POST',
    url: string,
    payload?: Buffer,
    headers: Record<string, string> = {},
  ): Promise<Reply<T> & { raw: Buffer }> {
    const res = await this.app.inject({
      method,
      url,
      headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...headers },
      payload,
    });
    let parsed: unknown = undefined;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      // not JSON: the bytes are in `raw`
    }
    return { status: res.statusCode, body: parsed as T, headers: res.headers, raw: res.rawPayload };
  }

  get<T = Record<string, unknown>>(
    url: string,
    headers?: Record<string, string>,
  ): Promise<Reply<T>> {
    return this.request<T>('GET', url, undefined, headers);
  }

  post<T = Record<string, unknown>>(
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply<T>> {
    return this.request<T>('POST', url, body ?? {}, headers);
  }

  put<T = Record<string, unknown>>(
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply<T>> {
    return this.request<T>('PUT', url, body ?? {}, headers);
  }

  delete<T = Record<string, unknown>>(
    url: string,
    headers?: Record<string, string>,
  ): Promise<Reply<T>> {
    return this.request<T>('DELETE', url, undefined, headers);
  }

  async login(username: string, password: string): Promise<Http> {
    const res = await this.post<{ accessToken: string }>('/api/v1/auth/login', {
      username,
      password,
    });
    if (res.status !== 200) {
      throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return this.as(res.body.accessToken);
  }

  loginAdmin(): Promise<Http> {
    return this.login(ADMIN.username, ADMIN.password);
  }
}

let counter = 0;

export interface TestUser {
  id: string;
  username: string;
  http: Http;
}

/** Creates a user through the API (as admin) and signs in as them. */
export async function createUser(
  admin: Http,
  anonymous: Http,
  spec: { roles: string[]; streetCode?: string; expertField?: string; affiliation?: string },
): Promise<TestUser> {
  counter += 1;
  const username = `${spec.roles[0].toLowerCase()}-${counter}-${Date.now() % 100000}`;
  const password = 'password-123';
  const res = await admin.post<{ id: string }>('/api/v1/users', {
    username,
    password,
    displayName: username,
    ...spec,
  });
  if (res.status !== 201) {
    throw new Error(`create user: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { id: res.body.id, username, http: await anonymous.login(username, password) };
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10000,
  stepMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > until) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

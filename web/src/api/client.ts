import createClient, { type Middleware } from 'openapi-fetch';
import { clearToken, getToken } from '../auth/session';
import type { paths } from './schema';

/**
 * The one API client, generated from the service's OpenAPI document (docs/openapi.json ->
 * schema.d.ts by `npm run web:client`): paths, parameters and bodies are checked by tsc.
 */
export const api = createClient<paths>({ baseUrl: '' });

/** Adds the bearer token; a 401 (expired, deactivated, signed out elsewhere) ends the session. */
const auth: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token) {
      request.headers.set('authorization', `Bearer ${token}`);
    }
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.endsWith('/auth/login')) {
      clearToken();
    }
    return response;
  },
};
api.use(auth);

/** One bad field as the service names it in a 400/422 problem document. */
export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem document (docs/api.md "Conventions"). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  allowedEvents?: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldErrors(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  return value.flatMap((e: unknown) =>
    isRecord(e) && typeof e.message === 'string'
      ? [{ field: typeof e.field === 'string' ? e.field : '', message: e.message }]
      : typeof e === 'string'
        ? [{ field: '', message: e }]
        : [],
  );
}

/** Reads whatever the service answered with into a problem (checked at run time, no cast). */
export function toProblem(body: unknown, status: number): Problem {
  if (!isRecord(body)) {
    return { status, title: typeof body === 'string' && body ? body : `HTTP ${status}` };
  }
  return {
    status,
    type: typeof body.type === 'string' ? body.type : undefined,
    title: typeof body.title === 'string' ? body.title : undefined,
    detail: typeof body.detail === 'string' ? body.detail : undefined,
    errors: fieldErrors(body.errors),
    allowedEvents: Array.isArray(body.allowedEvents)
      ? body.allowedEvents.filter((e): e is string => typeof e === 'string')
      : undefined,
  };
}

/** A refused call: the status and the problem document, for forms and notices. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }

  /** 409 because someone else changed the case first (乐观锁冲突). */
  get isVersionConflict(): boolean {
    return this.status === 409 && (this.problem.type ?? '').endsWith('/version-conflict');
  }
}

/** What every openapi-fetch call resolves to. */
interface FetchResult<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/** The data of a successful call; a refused one throws ApiError (what react-query expects). */
export async function unwrap<D>(call: Promise<FetchResult<D>>): Promise<D> {
  const { data, error, response } = await call;
  if (!response.ok) {
    throw new ApiError(toProblem(error, response.status));
  }
  // A 2xx without a body (204) has no data; the callers of such calls ignore it.
  return data as D;
}

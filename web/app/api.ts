/**
 * The one way the console talks to the server: same-origin fetch with the session
 * cookie, JSON both ways, the CSRF header on writes, and the API's error shape
 * turned into a thrown ApiError.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Field path (as the API names it, dot-separated) → message. */
    readonly fields: Record<string, string> = {},
    /** On a 409: the record as it is now on the server. */
    readonly current?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A multipart body (uploads): the browser sets its content type with the boundary. */
  form?: FormData;
  /** Login and the session probe handle 401 themselves instead of leaving the page. */
  ignoreUnauthorized?: boolean;
}

const CSRF_COOKIE = 'wuye_csrf';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let sessionCsrf: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

/** The token returned by login and /me; used when the cookie is not readable. */
export function setCsrfToken(token: string | null): void {
  sessionCsrf = token;
}

export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler;
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined && !opts.form) headers['content-type'] = 'application/json';
  if (WRITE_METHODS.has(method)) {
    const token = readCookie(CSRF_COOKIE) ?? sessionCsrf;
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.form ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; fields?: Record<string, string>; current?: unknown } })?.error;
    const err = new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? '', e?.fields ?? {}, e?.current);
    if (res.status === 401 && !opts.ignoreUnauthorized) unauthorizedHandler?.();
    throw err;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, opts?: Omit<RequestOptions, 'query' | 'body'>) => request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>) => request<T>('POST', path, { ...opts, body: body ?? {} }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
  /** One file as multipart field `field`, with the same CSRF header and error shape as JSON writes. */
  upload: <T>(path: string, file: Blob, field = 'file') => {
    const form = new FormData();
    form.append(field, file);
    return request<T>('POST', path, { form });
  },
};

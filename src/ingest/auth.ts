/**
 * Sentry credentials from a request: `X-Sentry-Auth`, `Authorization: Sentry …`
 * or `Basic`, the `sentry_key` query parameter, or (checked by the caller) the
 * envelope header's `dsn`. Parameters may come in any order.
 * @see https://develop.sentry.dev/sdk/foundations/transport/authentication/
 */
export interface SentryAuth {
  publicKey: string;
  /** `sentry_client`, e.g. `sentry.python/2.75.0`. */
  client?: string;
  version?: string;
  /** Where the key came from. */
  carrier: 'x-sentry-auth' | 'authorization' | 'query' | 'path' | 'envelope-dsn';
}

/** Parses `Sentry k=v, k=v` (scheme case-insensitive); `sentry_secret` is read and dropped. */
export function parseSentryAuthHeader(value: string): Record<string, string> | null {
  const m = /^\s*sentry\s+(.*)$/is.exec(value);
  if (!m) return null;
  const params: Record<string, string> = {};
  for (const pair of m[1]!.split(',')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = pair.slice(0, eq).trim().toLowerCase();
    if (key && key !== 'sentry_secret') params[key] = pair.slice(eq + 1).trim();
  }
  return params;
}

/** Credentials carried by the HTTP request itself, or null when it carries none. */
export function authFromRequest(headers: Headers, query: URLSearchParams): SentryAuth | null {
  const xAuth = headers.get('x-sentry-auth');
  if (xAuth) {
    const auth = fromParams(parseSentryAuthHeader(xAuth), 'x-sentry-auth');
    if (auth) return auth;
  }
  const authorization = headers.get('authorization');
  if (authorization) {
    const auth = /^\s*basic\s+/i.test(authorization)
      ? fromBasic(authorization)
      : fromParams(parseSentryAuthHeader(authorization), 'authorization');
    if (auth) return auth;
  }
  const key = query.get('sentry_key');
  if (key) {
    return withOptional({ publicKey: key, carrier: 'query' }, query.get('sentry_client'), query.get('sentry_version'));
  }
  return null;
}

// --- internal ---

function fromParams(params: Record<string, string> | null, carrier: SentryAuth['carrier']): SentryAuth | null {
  const key = params?.sentry_key;
  if (!key) return null;
  return withOptional({ publicKey: key, carrier }, params.sentry_client, params.sentry_version);
}

function fromBasic(value: string): SentryAuth | null {
  try {
    const decoded = atob(value.replace(/^\s*basic\s+/i, '').trim());
    const user = decoded.split(':')[0];
    return user ? { publicKey: user, carrier: 'authorization' } : null;
  } catch {
    return null;
  }
}

function withOptional(auth: SentryAuth, client?: string | null, version?: string | null): SentryAuth {
  if (client) auth.client = client;
  if (version) auth.version = version;
  return auth;
}

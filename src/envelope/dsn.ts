/**
 * DSN parsing and what derives from it: the envelope URL and the `X-Sentry-Auth` header.
 * Bad input throws `ConfigError`; messages and `dsnToString` never show the secret by default.
 */
import { ConfigError } from '../shared/errors.ts';

export interface Dsn {
  protocol: 'http' | 'https';
  publicKey: string;
  /** Deprecated in Sentry; Relay ignores it. Kept only so the DSN can be written back. */
  secretKey?: string;
  host: string;
  /** Only set when the DSN names a non-default port. */
  port?: number;
  /** Path before the project id, without a trailing slash: `''` or `/sentry/eu`. */
  pathPrefix: string;
  projectId: string;
}

const EXAMPLE = 'https://<public_key>@sentry.example.com/42';
const SECRET_IN_USERINFO = /^([^:/?#]*:\/\/[^:@/?#]*):[^@/?#]*@/;

/**
 * Parses `{scheme}://{public_key}[:{secret}]@{host}[:{port}]{/prefix…}/{project_id}`. The project id
 * is the last non-empty path segment and must be numeric (Relay routes it as an integer); a
 * trailing slash and repeated slashes are tolerated.
 * @see https://develop.sentry.dev/sdk/foundations/transport/authentication/
 */
export function parseDsn(input: string): Dsn {
  const text = input.trim();
  const url = parseUrl(text);
  const protocol = url.protocol.slice(0, -1);
  if (protocol !== 'http' && protocol !== 'https') fail(text, `scheme "${protocol}" is not supported; use http or https`);
  if (url.username === '') fail(text, `the public key is missing; expected ${EXAMPLE}`);
  if (url.search !== '' || url.hash !== '') fail(text, 'a DSN has no query string or fragment');
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const projectId = segments.pop();
  if (projectId === undefined) fail(text, `the project id is missing; it is the last path segment, as in ${EXAMPLE}`);
  if (!/^\d+$/.test(projectId)) fail(text, `project id "${projectId}" must be a number (the last path segment)`);
  const dsn: Dsn = {
    protocol,
    publicKey: decodePart(text, url.username, 'public key'),
    host: url.hostname,
    pathPrefix: segments.length > 0 ? `/${segments.join('/')}` : '',
    projectId,
  };
  if (url.password !== '') dsn.secretKey = decodePart(text, url.password, 'secret');
  if (url.port !== '') dsn.port = Number(url.port);
  return dsn;
}

/** `{scheme}://{host}[:{port}]{prefix}/api/{project_id}/envelope/` (protocol.md §1.2). */
export function envelopeUrl(dsn: Dsn): string {
  return `${origin(dsn)}${dsn.pathPrefix}/api/${dsn.projectId}/envelope/`;
}

/**
 * The `X-Sentry-Auth` value. The secret is left out: Relay ignores `sentry_secret`.
 * @see https://develop.sentry.dev/sdk/foundations/transport/authentication/
 */
export function authHeader(dsn: Dsn, client: string): string {
  return `Sentry sentry_key=${dsn.publicKey}, sentry_version=7, sentry_client=${client}`;
}

/** The DSN as a string; the secret is included only when asked, so the default is safe to log. */
export function dsnToString(dsn: Dsn, withSecret = false): string {
  const secret = withSecret && dsn.secretKey !== undefined ? `:${dsn.secretKey}` : '';
  return `${dsn.protocol}://${dsn.publicKey}${secret}@${hostAndPort(dsn)}${dsn.pathPrefix}/${dsn.projectId}`;
}

// --- internal ---

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    return fail(text, `not a URL; expected ${EXAMPLE}`);
  }
}

function decodePart(text: string, part: string, what: 'public key' | 'secret'): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return fail(text, `the ${what} has a malformed %-escape`);
  }
}

function origin(dsn: Dsn): string {
  return `${dsn.protocol}://${hostAndPort(dsn)}`;
}

function hostAndPort(dsn: Dsn): string {
  return dsn.port === undefined ? dsn.host : `${dsn.host}:${dsn.port}`;
}

function fail(text: string, reason: string): never {
  const shown = text === '' ? '(empty)' : `"${text.replace(SECRET_IN_USERINFO, '$1:***@')}"`;
  throw new ConfigError(`invalid DSN ${shown}: ${reason}`);
}

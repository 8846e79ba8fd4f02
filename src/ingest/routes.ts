/**
 * Capture routes: Sentry's ingest endpoints behind any DSN path prefix, plus the
 * tunnel path and CORS. Answers as Relay does: 200 `{"id":…}` or `{}`, errors as
 * `{"detail","causes"}`. Routing is by method and path only, never Content-Type.
 */
import { Elysia } from 'elysia';
import { BadRequestError, UndertakerError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { authFromRequest } from './auth.ts';
import { decodeBody, readBody } from './decode.ts';
import { type IngestDeps, ingest } from './service.ts';

export interface IngestRouteOptions {
  /** Upper bound on the request body as sent (compressed), bytes. */
  maxRequestBytes: number;
  /** Upper bound on the decoded envelope, bytes (Relay max_envelope_size). */
  maxEnvelopeBytes: number;
  /** Upper bound on a decoded store-endpoint event, bytes (Relay max_event_size). */
  maxEventBytes: number;
  /** Same-origin tunnel path where browser SDKs post envelopes carrying their `dsn`. */
  tunnelPath: string;
}

export const DEFAULT_INGEST_LIMITS = {
  maxRequestBytes: 200 * 1024 * 1024,
  maxEnvelopeBytes: 200 * 1024 * 1024,
  maxEventBytes: 1024 * 1024,
} as const;

/** `[/prefix…]/api/<project>/<endpoint>[/]`; the project stays a string here so a bad one gets Relay's 400. */
const INGEST_PATH = /^(?<prefix>(?:\/[^/]+)*?)\/api\/(?:(?<project>[^/]+)\/)?(?<endpoint>envelope|store)\/?$/;

export interface RouteMatch {
  endpoint: 'envelope' | 'store';
  projectId: number | null;
  prefix: string;
}

/** Matches an ingest path (duplicate slashes folded, as Relay does); null when it is not one. */
export function matchIngestPath(pathname: string, tunnelPath: string): RouteMatch | null {
  const path = pathname.replace(/\/{2,}/g, '/');
  if (path.replace(/\/$/, '') === tunnelPath.replace(/\/$/, '')) return { endpoint: 'envelope', projectId: null, prefix: '' };
  const m = INGEST_PATH.exec(path);
  if (!m?.groups) return null;
  const { prefix = '', project, endpoint } = m.groups;
  if (project === undefined) return { endpoint: endpoint as RouteMatch['endpoint'], projectId: null, prefix };
  if (!/^\d+$/.test(project)) throw new BadRequestError('bad project path parameter', [`project id "${project}" is not a number`]);
  return { endpoint: endpoint as RouteMatch['endpoint'], projectId: Number(project), prefix };
}

export function createIngestRoutes(deps: IngestDeps & { logger: Logger }, options: IngestRouteOptions) {
  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    try {
      const route = matchIngestPath(url.pathname, options.tunnelPath);
      if (!route) return sentryJson(404, { detail: `no ingest endpoint at ${url.pathname}` }, request);
      const maxDecoded = route.endpoint === 'store' ? options.maxEventBytes : options.maxEnvelopeBytes;
      const raw = await readBody(request, options.maxRequestBytes);
      const body = decodeBody(raw, request.headers.get('content-encoding'), maxDecoded);
      const result = await ingest(deps, {
        endpoint: route.endpoint,
        projectId: route.projectId,
        auth: authFromRequest(request.headers, url.searchParams),
        body,
        contentType: request.headers.get('content-type'),
        requestMeta: requestMeta(request, url, route.prefix),
      });
      return sentryJson(200, result.eventId ? { id: result.eventId } : {}, request);
    } catch (error) {
      return errorResponse(error, request, url, deps.logger);
    }
  };

  return new Elysia({ name: 'ingest' })
    .options('/*', ({ request }) => preflight(request))
    .post('/*', ({ request }) => handle(request), { parse: 'none' });
}

// --- internal ---

const RECORDED_HEADERS = ['content-type', 'content-encoding', 'user-agent', 'origin', 'referer', 'x-forwarded-for', 'transfer-encoding', 'content-length'];

function requestMeta(request: Request, url: URL, prefix: string): Record<string, string> {
  const meta: Record<string, string> = { path: url.pathname };
  if (prefix) meta.path_prefix = prefix;
  for (const name of RECORDED_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) meta[name] = value;
  }
  const query = new URLSearchParams(url.search);
  query.delete('sentry_secret');
  if ([...query.keys()].length) meta.query = query.toString();
  return meta;
}

const EXPOSED = 'x-sentry-error, x-sentry-rate-limits, retry-after';
const ALLOWED_HEADERS =
  'x-sentry-auth, x-requested-with, x-forwarded-for, origin, referer, accept, content-type, authentication, authorization, content-encoding, transfer-encoding, sentry-trace, baggage, traceparent, request-id, request-context';

function corsHeaders(request: Request): Record<string, string> {
  return {
    'access-control-allow-origin': request.headers.get('origin') ?? '*',
    'access-control-expose-headers': EXPOSED,
    'cross-origin-resource-policy': 'cross-origin',
    vary: 'Origin',
  };
}

/** Preflight never needs auth; extra requested headers are echoed so page instrumentation cannot break it. */
function preflight(request: Request): Response {
  const headers: Record<string, string> = {
    ...corsHeaders(request),
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? ALLOWED_HEADERS,
    'access-control-max-age': '3600',
  };
  if (request.headers.get('access-control-request-private-network') === 'true') {
    headers['access-control-allow-private-network'] = 'true';
  }
  return new Response(null, { status: 204, headers });
}

function sentryJson(status: number, body: unknown, request: Request): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...corsHeaders(request) },
  });
}

function errorResponse(error: unknown, request: Request, url: URL, logger: Logger): Response {
  if (error instanceof UndertakerError && error.status < 500) {
    logger.warn(`rejected ${request.method} ${url.pathname}: ${error.status} ${error.message}${error.causes.length ? ` (${error.causes.join('; ')})` : ''}`);
    return sentryJson(error.status, { detail: error.message, causes: error.causes }, request);
  }
  const message = error instanceof Error ? error.message : String(error);
  logger.error(`failed ${request.method} ${url.pathname}: ${message}`);
  const status = error instanceof UndertakerError ? error.status : 500;
  return sentryJson(status, { detail: status === 503 ? message : 'internal error while storing the request', causes: [] }, request);
}

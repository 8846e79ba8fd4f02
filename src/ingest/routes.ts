/**
 * Capture routes: every Sentry ingest endpoint behind any DSN path prefix, plus the tunnel path
 * and CORS. Answers as Relay does per endpoint (protocol.md §7.1); errors as `{"detail","causes"}`.
 * Routing is by method and path only; Content-Type matters only where Relay checks it.
 */
import { Elysia } from 'elysia';
import { dashedEventId } from '../envelope/event-id.ts';
import { DEFAULT_ENVELOPE_LIMITS, type EnvelopeLimits } from '../envelope/limits.ts';
import { mediaType } from '../envelope/reports.ts';
import { BadRequestError, NotFoundError } from '../shared/errors.ts';
import { ORIGIN_HEADER, originIds } from '../shared/identity-headers.ts';
import type { Logger } from '../shared/logger.ts';
import { authFromRequest, type SentryAuth } from './auth.ts';
import { decodeBody, parseContentEncoding, readBody } from './decode.ts';
import { corsHeaders, errorResponse, preflight, sentryJson } from './responses.ts';
import { matchIngestPath, type RouteMatch } from './paths.ts';
import { checkKey, type IngestDeps, type IngestResult, ingest } from './service.ts';

export { matchIngestPath, type RouteMatch } from './paths.ts';

export interface IngestRouteOptions {
  /** Upper bound on the request body as sent (compressed), bytes. */
  maxRequestBytes: number;
  /** Upper bound on the decoded envelope, bytes (Relay max_envelope_size). */
  maxEnvelopeBytes: number;
  /** Upper bound on a decoded event-sized body (store, security, NEL, cron), bytes (Relay max_event_size). */
  maxEventBytes: number;
  /** Same-origin tunnel path where browser SDKs post envelopes carrying their `dsn`. */
  tunnelPath: string;
  /** Relay's other per-item limits; unset ones keep Relay's defaults. */
  limits?: Partial<EnvelopeLimits>;
  /** This server's store id: replays and forwards that came through it are refused (a loop). */
  storeFingerprint?: string;
}

export const DEFAULT_INGEST_LIMITS = {
  maxRequestBytes: 200 * 1024 * 1024,
  maxEnvelopeBytes: DEFAULT_ENVELOPE_LIMITS.maxEnvelopeSize,
  maxEventBytes: DEFAULT_ENVELOPE_LIMITS.maxEventSize,
} as const;

/** The complete limits in force: Relay's defaults, the two body limits, then any set in `limits`. */
export function resolveLimits(options: IngestRouteOptions): EnvelopeLimits {
  return { ...DEFAULT_ENVELOPE_LIMITS, maxEnvelopeSize: options.maxEnvelopeBytes, maxEventSize: options.maxEventBytes, ...options.limits };
}

/** The smallest valid transparent 1×1 GIF, the store endpoint's answer to GET beacons. */
const PIXEL_GIF = Uint8Array.from(atob('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), (c) => c.charCodeAt(0));

export function createIngestRoutes(deps: IngestDeps & { logger: Logger }, options: IngestRouteOptions) {
  const limits = resolveLimits(options);
  const handle = async (request: Request, url: URL): Promise<Response> => {
    try {
      const route = matchIngestPath(url.pathname, options.tunnelPath);
      if (!route) throw new NotFoundError(`no ingest endpoint at ${url.pathname}`);
      if (options.storeFingerprint && originIds(request.headers.get(ORIGIN_HEADER)).includes(options.storeFingerprint)) {
        throw new BadRequestError('refused: this request was replayed or forwarded out of the database this server stores into (directly or through other Undertakers), so storing it would loop; point the replay or --forward elsewhere');
      }
      const auth = authFromRequest(request.headers, url.searchParams) ?? pathAuth(route);
      // A key outside --keys is refused before its body is read or inflated; without any request
      // credentials the envelope's own `dsn` decides, so the body has to be read first.
      if (auth) checkKey(deps.options, auth);
      const body = await requestBody(request, url, route, options, limits);
      const meta = requestMeta(request, url, route);
      const result = await ingest({ ...deps, limits }, { endpoint: route.endpoint, projectId: route.projectId, auth, body, contentType: request.headers.get('content-type'), requestMeta: meta });
      return reply(request, route, result);
    } catch (error) {
      return errorResponse(error, request, url, deps.logger);
    }
  };
  return (
    new Elysia({ name: 'ingest' })
      // GET is an ingest method only for store beacons and cron check-ins (other ingest paths answer
      // 405). A hook rather than a GET wildcard, so every non-ingest GET still reaches the app's routes.
      .onRequest(({ request }) => {
        if (request.method !== 'GET') return;
        const url = new URL(request.url);
        const route = safeMatch(url.pathname, options.tunnelPath);
        if (route === 'error' || route?.endpoint === 'cron' || route?.endpoint === 'store') return handle(request, url);
        if (route) return sentryJson(405, { detail: `GET is not allowed on the ${route.endpoint} endpoint; SDKs POST to it`, causes: [] }, request);
      })
      .options('/*', ({ request }) => preflight(request))
      .post('/*', ({ request }) => handle(request, new URL(request.url)), { parse: 'none' })
  );
}

// --- internal ---

/** A route, null for no ingest path, or 'error' for an ingest path with a bad project id (answered 400). */
function safeMatch(pathname: string, tunnelPath: string): RouteMatch | null | 'error' {
  try {
    return matchIngestPath(pathname, tunnelPath);
  } catch {
    return 'error';
  }
}

/** Decoded body limit per endpoint, as Relay's route body limits. */
function bodyLimit(route: RouteMatch, contentType: string | null, limits: EnvelopeLimits): number {
  switch (route.endpoint) {
    case 'envelope':
      return limits.maxEnvelopeSize;
    case 'minidump':
      // A raw dump is one attachment; a form may hold several.
      return ['application/octet-stream', 'application/x-dmp'].includes(mediaType(contentType)) ? limits.maxAttachmentSize : limits.maxAttachmentsSize;
    case 'unreal':
      return limits.maxAttachmentsSize;
    default:
      return limits.maxEventSize;
  }
}

async function requestBody(request: Request, url: URL, route: RouteMatch, options: IngestRouteOptions, limits: EnvelopeLimits): Promise<Uint8Array> {
  if (request.method === 'GET') {
    // Old raven-js beacons carry the event in `sentry_data`; a cron GET carries its check-in in the query.
    const data = route.endpoint === 'store' ? (url.searchParams.get('sentry_data') ?? '') : '';
    return new TextEncoder().encode(data);
  }
  const decodedLimit = bodyLimit(route, request.headers.get('content-type'), limits);
  const encoding = request.headers.get('content-encoding');
  // Without a Content-Encoding the bytes as sent are the body, so its own limit applies while reading.
  const rawLimit = parseContentEncoding(encoding).length ? options.maxRequestBytes : Math.min(options.maxRequestBytes, decodedLimit);
  return decodeBody(await readBody(request, rawLimit), encoding, decodedLimit);
}

function pathAuth(route: RouteMatch): SentryAuth | null {
  return route.pathKey ? { publicKey: route.pathKey, carrier: 'path' } : null;
}

function reply(request: Request, route: RouteMatch, result: IngestResult): Response {
  const cors = corsHeaders(request);
  switch (route.endpoint) {
    case 'store':
      if (request.method === 'GET') return new Response(PIXEL_GIF, { status: 200, headers: { ...cors, 'content-type': 'image/gif' } });
      return sentryJson(200, result.eventId ? { id: result.eventId } : {}, request);
    case 'envelope':
      return sentryJson(200, result.eventId ? { id: result.eventId } : {}, request);
    case 'minidump':
    case 'unreal':
      // Crash uploaders read the dashed event id as plain text.
      return new Response(result.eventId ? dashedEventId(result.eventId) : '', { status: 200, headers: { ...cors, 'content-type': 'text/plain; charset=utf-8' } });
    case 'cron':
      return new Response(null, { status: 202, headers: cors });
    default:
      return new Response(null, { status: 200, headers: cors });
  }
}

const RECORDED_HEADERS = ['content-type', 'content-encoding', 'user-agent', 'origin', 'referer', 'x-forwarded-for', 'transfer-encoding', 'content-length', ORIGIN_HEADER];

function requestMeta(request: Request, url: URL, route: RouteMatch): Record<string, string> {
  const meta: Record<string, string> = { path: url.pathname };
  if (request.method !== 'POST') meta.method = request.method;
  if (route.prefix) meta.path_prefix = route.prefix;
  if (route.monitorSlug) meta.monitor_slug = route.monitorSlug;
  for (const name of RECORDED_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) meta[name] = value;
  }
  const query = new URLSearchParams(url.search);
  query.delete('sentry_secret');
  // A GET beacon's event becomes the stored body; it is not kept twice.
  if (route.endpoint === 'store' && request.method === 'GET') query.delete('sentry_data');
  if ([...query.keys()].length) meta.query = query.toString();
  return meta;
}

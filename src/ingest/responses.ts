/**
 * Response helpers shared by the capture routes: CORS headers (every ingest response carries them,
 * as Relay's), preflight answers, Relay-style JSON bodies and the one place refusals are logged.
 */
import { UndertakerError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';

const EXPOSED = 'x-sentry-error, x-sentry-rate-limits, retry-after';
const ALLOWED_HEADERS =
  'x-sentry-auth, x-requested-with, x-forwarded-for, origin, referer, accept, content-type, authentication, authorization, content-encoding, transfer-encoding, sentry-trace, baggage, traceparent, request-id, request-context';

export function corsHeaders(request: Request): Record<string, string> {
  return {
    'access-control-allow-origin': request.headers.get('origin') ?? '*',
    'access-control-expose-headers': EXPOSED,
    'cross-origin-resource-policy': 'cross-origin',
    vary: 'Origin',
  };
}

/** Preflight never needs auth; extra requested headers are echoed so page instrumentation cannot break it. */
export function preflight(request: Request): Response {
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

export function sentryJson(status: number, body: unknown, request: Request): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...corsHeaders(request) },
  });
}

/** Maps any failure to Relay's `{"detail","causes"}` and logs it exactly once. */
export function errorResponse(error: unknown, request: Request, url: URL, logger: Logger): Response {
  if (error instanceof UndertakerError && error.status < 500) {
    logger.warn(`rejected ${request.method} ${url.pathname}: ${error.status} ${error.message}${error.causes.length ? ` (${error.causes.join('; ')})` : ''}`);
    return sentryJson(error.status, { detail: error.message, causes: error.causes }, request);
  }
  const message = error instanceof Error ? error.message : String(error);
  logger.error(`failed ${request.method} ${url.pathname}: ${message}`);
  const status = error instanceof UndertakerError ? error.status : 500;
  return sentryJson(status, { detail: status === 503 ? message : 'internal error while storing the request', causes: [] }, request);
}

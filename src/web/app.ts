/**
 * The HTTP application: health, the admin part (JSON API, OpenAPI document, page; behind the
 * admin token when one is set) and the capture routes. Built from explicit dependencies so every
 * test gets a fresh instance.
 */
import { openapi } from '@elysiajs/openapi';
import { Elysia } from 'elysia';
import { createIngestRoutes, matchIngestPath, type IngestRouteOptions } from '../ingest/routes.ts';
import type { IngestOptions } from '../ingest/service.ts';
import type { Logger } from '../shared/logger.ts';
import type { Store } from '../store/index.ts';
import { createErrorMapping } from './api/errors.ts';
import { createEventsApi } from './api/events.ts';
import { createReplaysApi } from './api/replays.ts';
import { createIdentityHeaders } from './identity.ts';
import type { ReplayService } from '../replay/service.ts';
import { createAdminGuard, createLoginRoutes } from './auth.ts';
import { createAssetRoutes, createUiRoutes } from './ui/routes.ts';

export interface AppDeps {
  store: Store;
  logger: Logger;
  now?: () => number;
  ingest: IngestOptions & IngestRouteOptions;
  /** When set, the page, the API and /openapi need it (bearer header or login cookie). */
  adminToken?: string;
  /** Runs replays for POST /api/replays (serve passes the one its scheduler shares). */
  replays?: ReplayService;
  /** Sent as `x-undertaker-store` so a replay can recognise its own capture server. */
  storeFingerprint?: string;
  /** Extra numbers for `/health` (serve adds the forwarding outbox's). */
  health?: () => Record<string, unknown>;
}

export function createApp(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  return new Elysia()
    .use(createIdentityHeaders(deps.storeFingerprint))
    .get('/health', async ({ set }) => {
      try {
        await deps.store.checkHealth();
        return { status: 'ok', ...deps.health?.() };
      } catch (error) {
        set.status = 503;
        return { status: 'unavailable', detail: (error as Error).message, ...deps.health?.() };
      }
    })
    .use(createLoginRoutes(deps.adminToken))
    .use(createAssetRoutes())
    .use(createAdminRoutes(deps))
    .use(createIngestRoutes({ store: deps.store, now, options: deps.ingest, logger: deps.logger }, { ...deps.ingest, storeFingerprint: deps.storeFingerprint }))
    .onError({ as: 'global' }, ({ code, request }) => (code === 'NOT_FOUND' ? notFound(request, deps.ingest.tunnelPath, deps.logger) : undefined));
}

/**
 * Unmatched requests: a wrong method on an ingest path is 405, anything else 404, both as
 * Relay-style JSON (`{"detail","causes"}`) so SDKs, scripts and curl users read the same shape.
 */
function notFound(request: Request, tunnelPath: string, logger: Logger): Response {
  const path = new URL(request.url).pathname;
  let ingestPath = false;
  try {
    ingestPath = matchIngestPath(path, tunnelPath) !== null;
  } catch {
    ingestPath = true;
  }
  const [status, detail] = ingestPath
    ? [405, `${request.method} is not allowed on ${path}; SDKs POST to it`]
    : [404, `nothing at ${request.method} ${path}; the page is at /, the API under /api/events and /api/replays, capture under /api/<project>/envelope/`];
  // Logged once like every refused capture when it looks like an SDK's (a wrong method, or a path
  // under /api/: a DSN or tunnel pointing at the wrong place); a browser's /favicon.ico is not.
  if (ingestPath || path.includes('/api/')) logger.warn(`rejected ${request.method} ${path}: ${status} ${detail}`);
  return Response.json({ detail, causes: [] }, { status, headers: { 'access-control-allow-origin': '*' } });
}

/**
 * Everything an administrator uses. The guard's hook is scoped to this instance, so it covers
 * every route added below it and never the capture routes, which keep using SDK keys only.
 */
function createAdminRoutes(deps: AppDeps) {
  const loggedIn = deps.adminToken !== undefined;
  return new Elysia({ name: 'admin' })
    .use(createAdminGuard(deps.adminToken))
    .use(createErrorMapping({ logger: deps.logger, loggedIn }))
    .use(openapi({ path: '/openapi', specPath: '/openapi', provider: null, documentation: OPENAPI_INFO, exclude: { paths: ['/*'] } }))
    .use(createEventsApi({ store: deps.store }))
    .use(createReplaysApi({ store: deps.store, replays: deps.replays, logger: deps.logger }))
    .use(createUiRoutes({ store: deps.store, loggedIn }));
}

const OPENAPI_INFO = {
  info: { title: 'Undertaker', version: '1', description: 'Captured Sentry envelopes: list, read, delete, count; replay runs.' },
  components: { securitySchemes: { adminToken: { type: 'http' as const, scheme: 'bearer', description: 'Needed when the server listens on a non-loopback address' } } },
};

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts listening; `port: 0` picks a free port (read it back from the result). */
export function startServer(app: ReturnType<typeof createApp>, opts: { host: string; port: number; maxRequestBytes: number }): RunningServer {
  // Elysia turns on SO_REUSEPORT by default, which would let a second server silently share a busy port.
  // Ingest enforces opts.maxRequestBytes itself while reading, answering 413 with a JSON detail; Bun's own
  // limit would answer a bare 413 first, so it is set out of the way.
  app.listen({ hostname: opts.host, port: opts.port, maxRequestBodySize: Number.MAX_SAFE_INTEGER, reusePort: false, development: false });
  const server = app.server!;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${server.port}`,
    port: server.port!,
    stop: async () => {
      await app.stop();
    },
  };
}

/**
 * The HTTP application: capture routes plus health. Built from explicit
 * dependencies so every test gets a fresh instance.
 */
import { Elysia } from 'elysia';
import { createIngestRoutes, type IngestRouteOptions } from '../ingest/routes.ts';
import type { IngestOptions } from '../ingest/service.ts';
import type { Logger } from '../shared/logger.ts';
import type { Store } from '../store/index.ts';

export interface AppDeps {
  store: Store;
  logger: Logger;
  now?: () => number;
  ingest: IngestOptions & IngestRouteOptions;
}

export function createApp(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  return new Elysia()
    .get('/health', async ({ set }) => {
      try {
        await deps.store.checkHealth();
        return { status: 'ok' };
      } catch (error) {
        set.status = 503;
        return { status: 'unavailable', detail: (error as Error).message };
      }
    })
    .use(createIngestRoutes({ store: deps.store, now, options: deps.ingest, logger: deps.logger }, deps.ingest));
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts listening; `port: 0` picks a free port (read it back from the result). */
export function startServer(app: ReturnType<typeof createApp>, opts: { host: string; port: number; maxRequestBytes: number }): RunningServer {
  // Elysia turns on SO_REUSEPORT by default, which would let a second server silently share a busy port.
  app.listen({ hostname: opts.host, port: opts.port, maxRequestBodySize: opts.maxRequestBytes + 1024, reusePort: false, development: false });
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

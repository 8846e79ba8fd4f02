// In-process app for the API and page tests: a fresh :memory: store, a settable clock (capture
// times), an optional admin token, and helpers that capture envelopes through the real ingest route.
import { DEFAULT_INGEST_LIMITS } from '../../src/ingest/routes.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { createApp } from '../../src/web/app.ts';

export const KEY = '0123456789abcdef0123456789abcdef';
export const TOKEN = 'test-admin-token-0123456789';
export const DAY = 86_400_000;
/** 2026-07-15T08:00:00Z: the capture clock starts here. */
export const T0 = Date.UTC(2026, 6, 15, 8);

export interface WebApp {
  store: Store;
  /** Error lines the app logged (an unexpected 500 shows up here). */
  errors: string[];
  clock: { now: number };
  request(path: string, init?: RequestInit): Promise<Response>;
  json<T = any>(path: string, init?: RequestInit): Promise<T>;
  /** Posts an envelope to /api/<project>/envelope/ at the clock's time; returns the stored row id. */
  capture(event: Record<string, unknown>, opts?: { project?: number; items?: string[] }): Promise<number>;
}

export async function createWebApp(opts: { adminToken?: string } = {}): Promise<WebApp> {
  const store = await openStore({ dialect: 'sqlite', path: ':memory:' });
  const errors: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) };
  const clock = { now: T0 };
  const app = createApp({
    store,
    logger,
    now: () => clock.now,
    adminToken: opts.adminToken,
    ingest: { ...DEFAULT_INGEST_LIMITS, tunnelPath: '/tunnel', allowedKeys: undefined },
  });
  const request = (path: string, init?: RequestInit) => app.handle(new Request(`http://127.0.0.1${path}`, init));
  const auth: Record<string, string> = opts.adminToken ? { authorization: `Bearer ${opts.adminToken}` } : {};
  return {
    store,
    errors,
    clock,
    request,
    async json(path, init) {
      const res = await request(path, { ...init, headers: { ...auth, ...(init?.headers as Record<string, string>) } });
      if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    async capture(event, o = {}) {
      const eventId = (event.event_id as string) ?? crypto.randomUUID().replaceAll('-', '');
      const type = event.type === 'transaction' ? 'transaction' : 'event';
      const body = [JSON.stringify({ event_id: eventId }), JSON.stringify({ type }), JSON.stringify({ event_id: eventId, ...event }), ...(o.items ?? [])].join('\n');
      const res = await request(`/api/${o.project ?? 1}/envelope/?sentry_key=${KEY}`, { method: 'POST', body });
      if (res.status !== 200) throw new Error(`capture failed: ${res.status} ${await res.text()}`);
      const [row] = await store.listEnvelopes({ limit: 1 });
      return row!.id;
    },
  };
}

/** A Python-like error event with an exception, frames, breadcrumbs, tags and contexts. */
export function errorEvent(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    platform: 'python',
    level: 'error',
    release: 'shop@1.2.3',
    environment: 'production',
    timestamp: T0 / 1000,
    sdk: { name: 'sentry.python', version: '2.75.0' },
    exception: {
      values: [
        {
          type: 'KeyError',
          value: "'cart'",
          mechanism: { type: 'generic', handled: false },
          stacktrace: {
            frames: [
              { filename: 'app/main.py', function: 'handle', lineno: 10, in_app: true },
              { filename: 'app/cart.py', function: 'load_cart', lineno: 42, context_line: '    return carts[user]', pre_context: ['def load_cart(user):'], in_app: true, vars: { user: "'u1'" } },
            ],
          },
        },
      ],
    },
    breadcrumbs: { values: [{ timestamp: T0 / 1000 - 5, category: 'http', message: 'GET /cart', level: 'info', data: { status_code: 200 } }] },
    tags: { region: 'eu-west', browser: 'Firefox' },
    contexts: { os: { name: 'Linux', version: '6.1' }, trace: { trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) } },
    ...over,
  };
}

/** A transaction with a root span and two child spans. */
export function transactionEvent(over: Record<string, unknown> = {}): Record<string, unknown> {
  const start = T0 / 1000;
  return {
    type: 'transaction',
    platform: 'node',
    transaction: 'GET /checkout',
    start_timestamp: start,
    timestamp: start + 0.5,
    release: 'shop@1.2.3',
    environment: 'staging',
    sdk: { name: 'sentry.javascript.node', version: '10.1.0' },
    contexts: { trace: { trace_id: 'c'.repeat(32), span_id: 'd'.repeat(16), op: 'http.server', status: 'ok' } },
    spans: [
      { span_id: 'e'.repeat(16), parent_span_id: 'd'.repeat(16), op: 'db.query', description: 'SELECT * FROM carts', start_timestamp: start + 0.1, timestamp: start + 0.2 },
      { span_id: 'f'.repeat(16), parent_span_id: 'e'.repeat(16), op: 'cache.get', description: 'cart:u1', start_timestamp: start + 0.12, timestamp: start + 0.13 },
    ],
    ...over,
  };
}

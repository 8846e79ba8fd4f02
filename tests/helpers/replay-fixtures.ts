// Stored envelopes for replay tests, captured through the real ingest routes into a :memory: store,
// plus a replay plan with test defaults and a small scriptable Sentry stand-in on 127.0.0.1.
import { parseDsn } from '../../src/envelope/dsn.ts';
import { parseEnvelope } from '../../src/envelope/parse.ts';
import type { ReplayPlan } from '../../src/replay/run.ts';
import { singleRouter } from '../../src/replay/routing.ts';
import { createTestApp, type TestApp } from './app.ts';

export const SOURCE_KEY = '0123456789abcdef0123456789abcdef';
export const DEST_KEY = 'fedcba9876543210fedcba9876543210';

let counter = 0;
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');

export interface Capture {
  type: 'event' | 'transaction' | 'session' | 'check_in';
  /** Seconds since the epoch of the newest timestamp. */
  ts: number;
  trace?: string;
  project?: number;
  platform?: string;
  sdk?: string;
  message?: string;
  user?: string;
}

/** Builds the envelope body an SDK would send for a capture. */
export function envelopeBody(c: Capture): string {
  counter++;
  const eventId = hex(counter, 32);
  const sdk = { name: c.sdk ?? `sentry.${c.platform ?? 'python'}`, version: '2.0.0' };
  const trace = c.trace ? { trace_id: c.trace, span_id: hex(counter, 16) } : undefined;
  const dsc = c.trace ? { trace: { trace_id: c.trace, public_key: SOURCE_KEY, sample_rate: '1' } } : {};
  switch (c.type) {
    case 'event':
      return `${JSON.stringify({ event_id: eventId, sdk, ...dsc })}\n{"type":"event"}\n${JSON.stringify({ event_id: eventId, timestamp: c.ts, platform: c.platform ?? 'python', level: 'error', message: c.message ?? `error ${counter}`, sdk, ...(c.user ? { user: { id: c.user } } : {}), ...(trace ? { contexts: { trace } } : {}) })}\n`;
    case 'transaction':
      return `${JSON.stringify({ event_id: eventId, sdk, ...dsc })}\n{"type":"transaction"}\n${JSON.stringify({ event_id: eventId, type: 'transaction', transaction: c.message ?? `tx ${counter}`, start_timestamp: c.ts - 1.5, timestamp: c.ts, platform: c.platform ?? 'python', sdk, contexts: { trace: trace ?? { trace_id: hex(counter, 32), span_id: hex(counter, 16) } }, spans: [] })}\n`;
    case 'session':
      return `{"sent_at":"${new Date(c.ts * 1000).toISOString()}"}\n{"type":"session"}\n${JSON.stringify({ sid: hex(counter, 32), did: c.user ?? 'u1', init: true, started: new Date(c.ts * 1000).toISOString(), timestamp: new Date(c.ts * 1000).toISOString(), status: 'ok', attrs: { release: 'app@1.0' } })}\n`;
    case 'check_in':
      return `{}\n{"type":"check_in"}\n${JSON.stringify({ check_in_id: hex(counter, 32), monitor_slug: 'nightly', status: 'ok' })}\n`;
  }
}

/** A :memory: store holding these captures, in order, captured through the real ingest routes. */
export async function storeWith(captures: Capture[]): Promise<TestApp> {
  const app = await createTestApp();
  for (const c of captures) {
    const res = await app.request(`/api/${c.project ?? 1}/envelope/?sentry_key=${SOURCE_KEY}`, { method: 'POST', body: envelopeBody(c) });
    if (res.status !== 200) throw new Error(`capture failed: ${res.status} ${await res.text()}`);
  }
  return app;
}

export function testPlan(dsn: string, over: Partial<ReplayPlan> = {}): ReplayPlan {
  return {
    filter: {},
    router: singleRouter(parseDsn(dsn)),
    pacing: { mode: 'now', speed: 1 },
    concurrency: 1,
    shaping: { tags: [], rotateUsers: false },
    dryRun: false,
    force: false,
    maxWaitMs: 300_000,
    ...over,
  };
}

export interface SinkRequest {
  /** Item types of the envelope, in order. */
  types: string[];
  /** The decoded envelope body. */
  body: string;
  at: number;
}

/**
 * A Sentry stand-in on 127.0.0.1 that answers each request with `respond(request, index)`;
 * `now` stamps each request (the test's fake clock).
 */
export function startScriptedSink(respond: (req: SinkRequest, index: number) => Response, now: () => number) {
  const requests: SinkRequest[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      if (request.method !== 'POST') return new Response('not found', { status: 404 });
      const raw = new Uint8Array(await request.arrayBuffer());
      const bytes = request.headers.get('content-encoding') === 'gzip' ? Bun.gunzipSync(raw) : raw;
      const types = parseEnvelope(bytes).items.map((item) => String(item.header.type));
      const body = new TextDecoder().decode(bytes);
      const req = { types, body, at: now() };
      requests.push(req);
      return respond(req, requests.length - 1);
    },
  });
  return { requests, dsn: `http://${DEST_KEY}@127.0.0.1:${server.port}/9`, stop: () => server.stop(true) };
}

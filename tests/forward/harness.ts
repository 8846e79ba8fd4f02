// In-process forwarding harness: the real app (ingest with forwarding routes) over a :memory: store,
// the real forwarder driven by a fake clock, and an injected fetch that records each upstream request.
import { gunzipSync } from 'node:zlib';
import { DEFAULT_SPOOL, type SpoolBounds } from '../../src/config/forward-config.ts';
import { concatBytes } from '../../src/envelope/serialize.ts';
import type { ForwardRoute } from '../../src/forward/entry.ts';
import { createForwarder, type ForwarderOptions } from '../../src/forward/forwarder.ts';
import { DEFAULT_INGEST_LIMITS } from '../../src/ingest/routes.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { createApp } from '../../src/web/app.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';

export const SDK_KEY = '0123456789abcdef0123456789abcdef';
export const UP_KEY = 'fedcba9876543210fedcba9876543210';
export const upstream = (project: number) => `http://${UP_KEY}@127.0.0.1:9/${project}`;

export interface SentRequest {
  url: string;
  headers: Record<string, string>;
  /** The body after undoing the forwarder's gzip. */
  body: Uint8Array;
  eventId: string | undefined;
}

export type Responder = (req: SentRequest) => Response | Promise<Response>;

export async function createHarness(routes: Record<string, ForwardRoute>, over: Partial<ForwarderOptions> & { spool?: SpoolBounds; path?: string } = {}) {
  const clock = createFakeClock();
  const store: Store = await openStore({ dialect: 'sqlite', path: over.path ?? ':memory:' });
  const { logger, logs } = recordingLogger();
  const app = createApp({
    store,
    logger,
    now: clock.now,
    health: () => ({ outbox: forwarder.health() }),
    ingest: { ...DEFAULT_INGEST_LIMITS, tunnelPath: '/tunnel', forwarding: new Map(Object.entries(routes)) },
  });
  const sent: SentRequest[] = [];
  let respond: Responder = () => Response.json({});
  const fakeFetch = (async (url: string, init: RequestInit) => {
    const body = gunzipSync(init.body as Uint8Array);
    const req: SentRequest = { url, headers: { ...(init.headers as Record<string, string>) }, body: new Uint8Array(body), eventId: headerOf(body).event_id as string | undefined };
    sent.push(req);
    return respond(req);
  }) as unknown as typeof fetch;
  const forwarder = createForwarder({ store, logger, spool: over.spool ?? DEFAULT_SPOOL, client: 'undertaker/test', clock, fetch: fakeFetch, ...over });
  return {
    clock,
    store,
    logs,
    sent,
    forwarder,
    respondWith(r: Responder) {
      respond = r;
    },
    post(path: string, body: Uint8Array<ArrayBuffer> | string, headers: Record<string, string> = {}) {
      return app.handle(new Request(`http://127.0.0.1${path}`, { method: 'POST', body, headers: { 'x-sentry-auth': `Sentry sentry_key=${SDK_KEY}, sentry_version=7`, ...headers } }));
    },
    health: async () => (await (await app.handle(new Request('http://127.0.0.1/health'))).json()) as Record<string, unknown>,
    /** Event ids of the requests sent so far, in order. */
    sentIds: () => sent.map((r) => r.eventId),
  };
}

const enc = new TextEncoder();

/** An envelope with one item of `type` (event, transaction, …) and optional extra raw items. */
export function envelope(eventId: string, type = 'event', opts: { dsn?: string; extra?: Uint8Array[] } = {}): Uint8Array<ArrayBuffer> {
  const header = JSON.stringify({ event_id: eventId, sent_at: '2026-07-15T12:00:00.000Z', ...(opts.dsn ? { dsn: opts.dsn } : {}) });
  const payload = JSON.stringify({ event_id: eventId, type: type === 'transaction' ? 'transaction' : undefined, message: `m ${eventId}`, timestamp: 1784116800 });
  return concat([enc.encode(`${header}\n{"type":"${type}","length":${enc.encode(payload).length}}\n${payload}\n`), ...(opts.extra ?? [])]);
}

export function id(n: number): string {
  return n.toString(16).padStart(32, '0');
}

/** The parts as one body (the serialiser's own helper). */
export const concat = (parts: Uint8Array[]): Uint8Array<ArrayBuffer> => concatBytes(parts);

export function headerOf(body: Uint8Array): Record<string, unknown> {
  const end = body.indexOf(0x0a);
  return JSON.parse(new TextDecoder().decode(body.subarray(0, end === -1 ? body.length : end)));
}

/** Everything after the envelope header line. */
export function afterHeader(body: Uint8Array): Uint8Array {
  return body.subarray(body.indexOf(0x0a) + 1);
}

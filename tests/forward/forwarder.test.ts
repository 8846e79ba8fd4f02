// The forwarder against an injected upstream: rate limits (F28 a–d), backoff and order on 5xx and
// network errors, 400/413 set aside, deleted envelopes, a forwarding loop, and a bounded stop.
import { describe, expect, it } from 'bun:test';
import { createForwarder } from '../../src/forward/forwarder.ts';
import { DEFAULT_SPOOL } from '../../src/config/forward-config.ts';
import { gzipSync } from 'node:zlib';
import { DEFAULT_INGEST_LIMITS } from '../../src/ingest/routes.ts';
import { createApp } from '../../src/web/app.ts';
import { silentLogger } from '../helpers/logger.ts';
import { createHarness, envelope, id, upstream } from './harness.ts';

const RF = { '1': { mode: 'record+forward' as const, upstream: upstream(42) }, '2': { mode: 'record+forward' as const, upstream: upstream(43) } };

async function postAll(h: Awaited<ReturnType<typeof createHarness>>, list: [number, string, string][]) {
  for (const [project, eventId, type] of list) expect((await h.post(`/api/${project}/envelope/`, envelope(eventId, type))).status).toBe(200);
}

describe('upstream rate limits (F28)', () => {
  it('(a) holds only transaction and profile rows for 60 s and keeps sending errors', async () => {
    const h = await createHarness(RF);
    await postAll(h, [[1, id(1), 'transaction'], [1, id(2), 'event'], [1, id(3), 'transaction'], [1, id(4), 'event']]);
    h.respondWith((r) =>
      r.eventId === id(1) ? new Response('', { status: 429, headers: { 'x-sentry-rate-limits': '60:transaction;profile:organization:transaction_usage_exceeded' } }) : Response.json({}),
    );
    await h.forwarder.pass();
    expect(h.sentIds()).toEqual([id(1), id(2), id(4)]);
    expect((await h.store.outboxStats()).rows).toBe(2);
    h.clock.set(h.clock.now() + 59_000);
    await h.forwarder.pass();
    expect(h.sent.length).toBe(3);
    h.respondWith(() => Response.json({}));
    h.clock.set(h.clock.now() + 1_000);
    await h.forwarder.pass();
    expect(h.sentIds()).toEqual([id(1), id(2), id(4), id(1), id(3)]);
    expect((await h.store.outboxStats()).rows).toBe(0);
    expect(h.logs.filter((l) => l.includes('answered 429'))).toEqual([expect.stringContaining('holding transaction until')]);
  });

  it('(b) holds everything for 30 s after a 200 that announces 30::organization', async () => {
    const h = await createHarness(RF);
    await postAll(h, [[1, id(1), 'event'], [1, id(2), 'event'], [1, id(3), 'transaction']]);
    h.respondWith(() => Response.json({}, { headers: { 'x-sentry-rate-limits': '30::organization' } }));
    await h.forwarder.pass();
    expect(h.sentIds()).toEqual([id(1)]);
    expect((await h.store.outboxStats()).rows).toBe(2);
    h.respondWith(() => Response.json({}));
    h.clock.set(h.clock.now() + 29_999);
    await h.forwarder.pass();
    expect(h.sent.length).toBe(1);
    h.clock.set(h.clock.now() + 1);
    await h.forwarder.pass();
    expect(h.sentIds()).toEqual([id(1), id(2), id(3)]);
  });

  it('(c) holds everything for 60 s after a bare 429, and never deletes the held rows', async () => {
    const h = await createHarness(RF);
    await postAll(h, [[1, id(1), 'event'], [1, id(2), 'transaction']]);
    h.respondWith(() => new Response(null, { status: 429 }));
    await h.forwarder.pass();
    expect(h.sentIds()).toEqual([id(1)]);
    h.clock.set(h.clock.now() + 59_999);
    await h.forwarder.pass();
    expect(h.sent.length).toBe(1);
    expect((await h.store.listOutbox(1, 10)).map((r) => [r.attempts, r.lastError])).toEqual([[0, null], [0, null]]);
    h.respondWith(() => Response.json({}));
    h.clock.set(h.clock.now() + 1);
    await h.forwarder.pass();
    expect(h.sentIds()).toEqual([id(1), id(1), id(2)]);
    expect((await h.store.outboxStats()).rows).toBe(0);
  });

  it('(d) holds everything for the 120 s of Retry-After', async () => {
    const h = await createHarness(RF);
    await postAll(h, [[1, id(1), 'event']]);
    h.respondWith(() => new Response(null, { status: 429, headers: { 'retry-after': '120' } }));
    await h.forwarder.pass();
    h.respondWith(() => Response.json({}));
    h.clock.set(h.clock.now() + 119_999);
    await h.forwarder.pass();
    expect(h.sent.length).toBe(1);
    h.clock.set(h.clock.now() + 1);
    await h.forwarder.pass();
    expect(h.sent.length).toBe(2);
    expect((await h.store.outboxStats()).rows).toBe(0);
  });

  it('keeps limits per upstream: a 429 from one upstream does not hold another source', async () => {
    const h = await createHarness(RF);
    await postAll(h, [[1, id(1), 'event'], [2, id(2), 'event'], [1, id(3), 'event'], [2, id(4), 'event']]);
    h.respondWith((r) => (r.url.includes('/api/42/') ? new Response(null, { status: 429 }) : Response.json({})));
    await h.forwarder.pass();
    expect(h.sentIds().sort()).toEqual([id(1), id(2), id(4)]);
    expect((await h.store.listOutbox(1, 10)).map((r) => r.id)).toEqual([1, 3]);
  });
});

describe('retries', () => {
  it('backs off exponentially on 5xx and network errors, holding the rows behind, then delivers in order', async () => {
    const h = await createHarness(RF, { baseBackoffMs: 1000, maxBackoffMs: 8000 });
    await postAll(h, [[1, id(1), 'event'], [1, id(2), 'event'], [2, id(3), 'event']]);
    let failures = 0;
    h.respondWith((r) => {
      if (!r.url.includes('/api/42/')) return Response.json({});
      failures++;
      if (failures % 2) return new Response('upstream down', { status: 503 });
      throw new TypeError('connect ECONNREFUSED 127.0.0.1:9');
    });
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = h.clock.now();
      await h.forwarder.pass();
      const [head] = await h.store.listOutbox(1, 1);
      waits.push(head!.nextAttemptAt - before);
      // One millisecond early nothing is tried; at the time, the head row is tried again.
      h.clock.set(head!.nextAttemptAt - 1);
      await h.forwarder.pass();
      h.clock.set(head!.nextAttemptAt);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(h.sentIds().filter((e) => e !== id(3))).toEqual(Array(6).fill(id(1)));
    const [head] = await h.store.listOutbox(1, 1);
    expect(head!.attempts).toBe(6);
    expect(head!.lastError).toContain('network error');
    h.respondWith(() => Response.json({}));
    await h.forwarder.pass();
    expect(h.sentIds().slice(-2)).toEqual([id(1), id(2)]);
    expect(h.sentIds().filter((e) => e === id(3))).toEqual([id(3)]);
    expect((await h.store.outboxStats()).rows).toBe(0);
    expect(h.logs.filter((l) => l.includes('forwarding project 1'))).toEqual([
      expect.stringContaining('failed (HTTP 503: upstream down)'),
      expect.stringContaining('works again after 6 failed attempt(s)'),
    ]);
  });

  it('never retries 400 and 413: the row is set aside with its error and the next one goes', async () => {
    const h = await createHarness(RF);
    await postAll(h, [[1, id(1), 'event'], [1, id(2), 'event'], [1, id(3), 'event']]);
    h.respondWith((r) =>
      r.eventId === id(1) ? Response.json({ detail: 'invalid event envelope', causes: ['unknown variant `foo`'] }, { status: 400 }) : r.eventId === id(2) ? new Response('too big', { status: 413 }) : Response.json({}),
    );
    await h.forwarder.pass();
    await h.forwarder.pass();
    h.clock.set(h.clock.now() + 3_600_000);
    await h.forwarder.pass();
    expect(h.sentIds()).toEqual([id(1), id(2), id(3)]);
    await h.forwarder.refresh();
    expect(h.forwarder.health()).toMatchObject({ depth: 2, parked: 2, delivered: 1 });
    expect(await h.store.outboxSources()).toEqual([]);
    expect(h.logs.filter((l) => l.includes('refused for good'))).toEqual([
      expect.stringContaining('outbox row 1 (project 1 to http://fedcba9876543210fedcba9876543210@127.0.0.1:9/42) refused for good: HTTP 400: {"detail":"invalid event envelope"'),
      expect.stringContaining('outbox row 2 (project 1 to http://fedcba9876543210fedcba9876543210@127.0.0.1:9/42) refused for good: HTTP 413: too big'),
    ]);
  });

  it('drops a record+forward row whose envelope was deleted before it was forwarded, with a log line', async () => {
    const h = await createHarness(RF);
    await postAll(h, [[1, id(1), 'event'], [1, id(2), 'event']]);
    expect(await h.store.deleteEnvelopes([1])).toBe(1);
    await h.forwarder.pass();
    expect(h.sentIds()).toEqual([id(2)]);
    expect(h.logs).toContainEqual(expect.stringContaining('outbox row 1 (project 1 to http://fedcba9876543210fedcba9876543210@127.0.0.1:9/42) dropped: its envelope 1 was deleted'));
  });

  it('sets rows aside instead of forwarding into its own capture address', async () => {
    const h = await createHarness(RF, { ownStore: 'self' });
    await postAll(h, [[1, id(1), 'event']]);
    h.respondWith(() => Response.json({}, { headers: { 'x-undertaker-store': 'self' } }));
    await h.forwarder.pass();
    expect((await h.store.outboxStats()).parked).toBe(1);
    expect(h.logs).toContainEqual(expect.stringContaining("this Undertaker's own capture address (a forwarding loop)"));
  });

  it('is refused, unstored, by the server that stores into its own database (a loop through a host alias)', async () => {
    const h = await createHarness(RF, { ownStore: 'self' });
    await postAll(h, [[1, id(1), 'event']]);
    // The upstream is this very server under another name: the forward carries its origin.
    const same = createApp({ store: h.store, logger: silentLogger, storeFingerprint: 'self', ingest: { ...DEFAULT_INGEST_LIMITS, tunnelPath: '/tunnel' } });
    h.respondWith((r) => same.handle(new Request('http://alias.internal/api/42/envelope/', { method: 'POST', headers: r.headers, body: gzipSync(r.body) })));
    await h.forwarder.pass();
    expect(h.sent[0]!.headers['x-undertaker-origin']).toBe('self');
    expect((await h.store.listEnvelopes({})).length).toBe(1);
    expect((await h.store.outboxStats()).parked).toBe(1);
  });
});

describe('stop', () => {
  it('gives the outbox a bounded time, aborts what is in flight and leaves the rows for the next start', async () => {
    const h = await createHarness(RF);
    h.clock.set(Date.now()); // these forwarders run on the real clock
    await postAll(h, [[1, id(1), 'event'], [1, id(2), 'event']]);
    let calls = 0;
    // An upstream that never answers: only the drain deadline ends the attempt.
    const hanging = ((_url: string, init: RequestInit) => {
      calls++;
      return new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    }) as unknown as typeof fetch;
    const forwarder = createForwarder({ store: h.store, logger: silentLogger, spool: DEFAULT_SPOOL, client: 't', fetch: hanging });
    forwarder.start();
    await Bun.sleep(50);
    const started = performance.now();
    const { left } = await forwarder.stop(300);
    const took = performance.now() - started;
    expect(calls).toBe(1);
    expect(left).toBe(2);
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2000);
    expect((await h.store.listOutbox(1, 10)).map((r) => [r.id, r.attempts])).toEqual([[1, 0], [2, 0]]);
  });

  it('delivers what it can during the drain and returns as soon as the outbox is empty', async () => {
    const h = await createHarness(RF);
    h.clock.set(Date.now());
    await postAll(h, [[1, id(1), 'event'], [2, id(2), 'event']]);
    const ok = (async () => Response.json({})) as unknown as typeof fetch;
    const forwarder = createForwarder({ store: h.store, logger: silentLogger, spool: DEFAULT_SPOOL, client: 't', fetch: ok, pollMs: 60_000 });
    // Not started: a stop without a running loop leaves everything, a started one drains.
    expect((await forwarder.stop(1000)).left).toBe(2);
    forwarder.start();
    const started = performance.now();
    expect((await forwarder.stop(5000)).left).toBe(0);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

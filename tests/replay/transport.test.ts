import { describe, expect, it } from 'bun:test';
import { gunzipSync } from 'node:zlib';
import { parseDsn } from '../../src/envelope/dsn.ts';
import { itemCategory, RateLimitState } from '../../src/replay/rate-limits.ts';
import { createRetryBudget, createSender } from '../../src/replay/sender.ts';

const NOW = 1_000_000;
const DSN = parseDsn('http://0123456789abcdef0123456789abcdef@127.0.0.1:9/5');
const TYPES = { error: ['event', 'attachment'], transaction: ['transaction', 'profile'], session: ['session'], replay: ['replay_event', 'replay_recording'], checkIn: ['check_in'] };

function limitsAfter(status: number, headers: { rateLimits?: string; retryAfter?: string }) {
  const state = new RateLimitState();
  state.update(status, { rateLimits: headers.rateLimits ?? null, retryAfter: headers.retryAfter ?? null }, NOW);
  return (types: string[], at = NOW + 1) => state.check(types, at);
}

describe('rate limits (F28)', () => {
  it('(a) 429 with per-category limits holds only transaction and profile, for 60 s', () => {
    const check = limitsAfter(429, { rateLimits: '60:transaction;profile:organization:transaction_usage_exceeded' });
    expect(check(TYPES.transaction)).toEqual({ limited: ['transaction', 'profile'], until: NOW + 60_000 });
    expect(check(['profile_chunk'])).toEqual({ limited: ['profile'], until: NOW + 60_000 });
    expect(check(TYPES.error)).toEqual({ limited: [], until: 0 });
    expect(check(TYPES.session).limited).toEqual([]);
    expect(check(TYPES.transaction, NOW + 60_000).limited).toEqual([]);
  });

  it('(b) limits sent with a 200 hold everything for 30 s', () => {
    const check = limitsAfter(200, { rateLimits: '30::organization' });
    for (const types of Object.values(TYPES)) expect(check(types).until).toBe(NOW + 30_000);
    expect(check(TYPES.checkIn, NOW + 30_000).limited).toEqual([]);
  });

  it('(c) a bare 429 holds everything for 60 s', () => {
    const check = limitsAfter(429, {});
    expect(check(TYPES.error)).toEqual({ limited: ['error', 'attachment'], until: NOW + 60_000 });
    expect(check(TYPES.replay)).toEqual({ limited: ['replay'], until: NOW + 60_000 });
  });

  it('(d) 429 with Retry-After holds everything for that long', () => {
    const check = limitsAfter(429, { retryAfter: '120' });
    expect(check(TYPES.session)).toEqual({ limited: ['session'], until: NOW + 120_000 });
    expect(check(TYPES.session, NOW + 119_999).limited).toEqual(['session']);
    expect(check(TYPES.session, NOW + 120_000).limited).toEqual([]);
  });

  it('counts item types in the categories Sentry uses', () => {
    expect(['event', 'check_in', 'replay_recording', 'log', 'client_report', 'sessions'].map(itemCategory)).toEqual(['error', 'monitor', 'replay', 'log_item', 'internal', 'session']);
  });
});

function fakeFetch(statuses: (number | 'network')[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const status = statuses[Math.min(calls.length - 1, statuses.length - 1)]!;
    if (status === 'network') throw new Error('connection refused');
    return new Response(status === 200 ? '{"id":"x"}' : '{"detail":"nope"}', { status, headers: status === 429 ? { 'retry-after': '7' } : {} });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('sender', () => {
  const sleeps: number[] = [];
  const sleep = async (ms: number) => void sleeps.push(ms);

  it('posts gzip with X-Sentry-Auth to the envelope endpoint', async () => {
    const { fetch, calls } = fakeFetch([200]);
    const out = await createSender({ dsn: DSN, client: 'undertaker/test', fetch, sleep })(new TextEncoder().encode('{}\n'));
    expect(out).toMatchObject({ status: 200, ok: true, attempts: 1 });
    expect(calls[0]!.url).toBe('http://127.0.0.1:9/api/5/envelope/');
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(headers['x-sentry-auth']).toBe('Sentry sentry_key=0123456789abcdef0123456789abcdef, sentry_version=7, sentry_client=undertaker/test');
    expect(headers['content-encoding']).toBe('gzip');
    expect(new TextDecoder().decode(gunzipSync(calls[0]!.init.body as Uint8Array))).toBe('{}\n');
  });

  it('retries 5xx and network errors with backoff, up to 3 attempts', async () => {
    sleeps.length = 0;
    const ok = fakeFetch([503, 'network', 200]);
    expect(await createSender({ dsn: DSN, client: 't', fetch: ok.fetch, sleep })(new Uint8Array())).toMatchObject({ status: 200, attempts: 3 });
    expect(sleeps).toEqual([500, 1000]);
    const down = fakeFetch([500]);
    expect(await createSender({ dsn: DSN, client: 't', fetch: down.fetch, sleep })(new Uint8Array())).toMatchObject({ status: 500, ok: false, attempts: 3 });
  });

  it('never retries 400, 413 or 429, and reports the rate-limit headers', async () => {
    for (const status of [400, 413, 429]) {
      const { fetch, calls } = fakeFetch([status, 200]);
      const out = await createSender({ dsn: DSN, client: 't', fetch, sleep })(new Uint8Array());
      expect(calls.length).toBe(1);
      expect(out).toMatchObject({ status, ok: false, attempts: 1, detail: '{"detail":"nope"}' });
      if (status === 429) expect(out.limits).toEqual({ rateLimits: null, retryAfter: '7' });
    }
  });

  it('stops retrying when the run-wide budget is spent', async () => {
    const budget = createRetryBudget(1);
    const first = fakeFetch([503]);
    expect((await createSender({ dsn: DSN, client: 't', fetch: first.fetch, sleep, budget })(new Uint8Array())).attempts).toBe(2);
    const second = fakeFetch([503]);
    expect((await createSender({ dsn: DSN, client: 't', fetch: second.fetch, sleep, budget })(new Uint8Array())).attempts).toBe(1);
  });
});

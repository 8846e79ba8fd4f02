// General capture route behaviour; the field cases (F01…F24) each have their own test in tests/field-cases.
import { describe, expect, it } from 'bun:test';
import * as zlib from 'node:zlib';
import { createTestApp, enc, EVENT_ID, KEY, sha256, SIMPLE_ENVELOPE } from '../helpers/app.ts';

const AUTH = { 'x-sentry-auth': `Sentry sentry_key=${KEY}, sentry_version=7, sentry_client=sentry.python/2.75.0` };

describe('envelope endpoint', () => {
  it('stores the body byte for byte and answers {"id"} with CORS headers', async () => {
    const app = await createTestApp();
    const body = enc(SIMPLE_ENVELOPE);
    const res = await app.request('/api/42/envelope/', { method: 'POST', headers: { ...AUTH, origin: 'https://app.example' }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: EVENT_ID });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-expose-headers')).toBe('x-sentry-error, x-sentry-rate-limits, retry-after');
    const [row] = await app.store.listEnvelopes({});
    expect(row).toMatchObject({ projectId: 42, publicKey: KEY, eventId: EVENT_ID, mainType: 'error', platform: 'python', title: 'hello', level: 'error', endpoint: 'envelope', eventTs: 1752566400250 });
    expect(row!.requestMeta).toMatchObject({ sentry_client: 'sentry.python/2.75.0', auth_carrier: 'x-sentry-auth', path: '/api/42/envelope/' });
    expect(sha256((await app.store.getEnvelope(row!.id))!.body)).toBe(sha256(body));
  });

  it.each([
    ['/api/42/envelope/'],
    ['/api/42/envelope'],
    ['/sentry/eu/api/42/envelope/'],
    ['/sentry//api/42//envelope/'],
  ])('routes %s to project 42', async (path) => {
    const app = await createTestApp();
    const res = await app.request(path, { method: 'POST', headers: AUTH, body: SIMPLE_ENVELOPE });
    expect(res.status).toBe(200);
    expect((await app.store.listEnvelopes({}))[0]!.projectId).toBe(42);
  });

  it.each([
    ['sentry_key first', { 'x-sentry-auth': `Sentry sentry_key=${KEY}, sentry_version=7, sentry_client=sentry.go/0.20.0` }, ''],
    ['raven order with secret', { 'x-sentry-auth': `Sentry sentry_version=7,sentry_client=raven-python/5.8.1,sentry_timestamp=1465485957.17,sentry_key=${KEY},sentry_secret=s3cret` }, ''],
    ['lower-case scheme', { 'x-sentry-auth': `sentry sentry_key=${KEY},sentry_version=7` }, ''],
    ['Authorization: Sentry', { authorization: `Sentry sentry_key=${KEY}, sentry_version=7` }, ''],
    ['Authorization: Basic', { authorization: `Basic ${btoa(`${KEY}:`)}` }, ''],
    ['query string', {}, `?sentry_key=${KEY}&sentry_version=7&sentry_client=sentry.javascript.react%2F7.23.0`],
  ])('reads the public key from %s', async (_name, headers, query) => {
    const app = await createTestApp({ allowedKeys: [KEY] });
    const res = await app.request(`/api/42/envelope/${query}`, { method: 'POST', headers, body: SIMPLE_ENVELOPE });
    expect(res.status).toBe(200);
    const [row] = await app.store.listEnvelopes({});
    expect(row!.publicKey).toBe(KEY);
    expect(JSON.stringify(row!.requestMeta)).not.toContain('s3cret');
  });

  it.each([['text/plain;charset=UTF-8'], ['application/x-sentry-envelope'], ['application/octet-stream'], ['application/json'], [null]])(
    'treats a %s body as an envelope',
    async (contentType) => {
      const app = await createTestApp();
      const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
      const body = enc(SIMPLE_ENVELOPE);
      const res = await app.request(`/api/42/envelope/?sentry_key=${KEY}`, { method: 'POST', headers, body });
      expect(res.status).toBe(200);
      expect(sha256((await app.store.getEnvelope(1))!.body)).toBe(sha256(body));
    },
  );

  it('takes key and project from the envelope dsn when the request carries no auth (tunnel)', async () => {
    const app = await createTestApp({ allowedKeys: [KEY] });
    const body = `{"event_id":"${EVENT_ID}","dsn":"https://${KEY}@sentry.example/2"}\n{"type":"event"}\n{"message":"via tunnel"}\n`;
    for (const path of ['/tunnel', '/api/2/envelope/']) {
      const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body });
      expect(res.status).toBe(200);
    }
    const rows = await app.store.listEnvelopes({ order: 'asc' });
    expect(rows.map((r) => [r.projectId, r.publicKey, r.requestMeta.auth_carrier])).toEqual([
      [2, KEY, 'envelope-dsn'],
      [2, KEY, 'envelope-dsn'],
    ]);
  });

  it('answers {} for an envelope without an event id', async () => {
    const app = await createTestApp();
    const body = '{"sent_at":"2026-07-15T08:00:00Z"}\n{"type":"session"}\n{"sid":"7c7b6a1e-4b4c-4c39-9a5c-6c3f7b1b7a10","status":"ok","started":"2026-07-15T07:59:00Z","attrs":{"release":"app@1"}}\n';
    const res = await app.request('/api/1/envelope/', { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect((await app.store.listEnvelopes({}))[0]!.mainType).toBe('session');
  });
});

describe('content encodings', () => {
  const plain = enc(SIMPLE_ENVELOPE);
  const cases: [string, Uint8Array][] = [
    ['gzip', zlib.gzipSync(plain)],
    ['x-gzip', zlib.gzipSync(plain)],
    ['deflate', zlib.deflateSync(plain)],
    ['DEFLATE', zlib.deflateRawSync(plain)],
    ['br', zlib.brotliCompressSync(plain)],
    ['zstd', zlib.zstdCompressSync(plain)],
    ['identity', plain],
    ['', plain],
    ['UTF-8', plain],
    ['gzip, br', zlib.brotliCompressSync(zlib.gzipSync(plain))],
  ];
  it.each(cases)('decodes Content-Encoding "%s" and stores the decoded envelope', async (coding, body) => {
    const app = await createTestApp();
    const res = await app.request('/api/1/envelope/', { method: 'POST', headers: { 'content-encoding': coding }, body: body as Uint8Array<ArrayBuffer> });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: EVENT_ID });
    const stored = (await app.store.getEnvelope(1))!;
    expect(sha256(stored.body)).toBe(sha256(plain));
    expect(stored.requestMeta['content-encoding']).toBe(coding);
  });

  it('refuses an unknown coding with 415 naming it, and stores nothing', async () => {
    const app = await createTestApp();
    const res = await app.request('/api/1/envelope/', { method: 'POST', headers: { 'content-encoding': 'compress' }, body: plain });
    expect(res.status).toBe(415);
    const body = (await res.json()) as { detail: string };
    expect(body.detail).toContain('"compress"');
    expect(await app.store.listEnvelopes({})).toEqual([]);
    expect(app.logs.length).toBe(1);
  });

  it('refuses corrupt gzip with 400', async () => {
    const app = await createTestApp();
    const res = await app.request('/api/1/envelope/', { method: 'POST', headers: { 'content-encoding': 'gzip' }, body: plain });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toBe('invalid gzip compressed body');
    expect(await app.store.listEnvelopes({})).toEqual([]);
  });

  it('refuses a compression bomb with 413 without inflating all of it', async () => {
    const app = await createTestApp({ maxEnvelopeBytes: 1024 * 1024 });
    const bomb = zlib.gzipSync(new Uint8Array(64 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(100_000);
    const res = await app.request('/api/1/envelope/', { method: 'POST', headers: { 'content-encoding': 'gzip' }, body: bomb });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toContain('exceeds 1048576 bytes after gzip decompression');
    expect(await app.store.listEnvelopes({})).toEqual([]);
  });

  it('refuses a body over the request limit with 413', async () => {
    const app = await createTestApp({ maxRequestBytes: 1000, maxEnvelopeBytes: 1000 });
    const res = await app.request('/api/1/envelope/', { method: 'POST', body: new Uint8Array(5000) });
    expect(res.status).toBe(413);
    expect(await app.store.listEnvelopes({})).toEqual([]);
  });
});

describe('rejections', () => {
  it('answers JSON 405 for other methods on ingest paths and JSON 404 elsewhere', async () => {
    const app = await createTestApp();
    const put = await app.request('/api/1/envelope/', { method: 'PUT', body: SIMPLE_ENVELOPE });
    expect(put.status).toBe(405);
    expect(await put.json()).toEqual({ detail: 'PUT is not allowed on /api/1/envelope/; SDKs POST to it', causes: [] });
    const missing = await app.request('/no/such/page');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { detail: string }).detail).toStartWith('nothing at GET /no/such/page');
    expect(await app.store.listEnvelopes({})).toEqual([]);
    // Logged once when an SDK could have sent it (wrong method, a path under /api/), not for other pages.
    expect((await app.request('/api/1/whatever/', { method: 'POST', body: SIMPLE_ENVELOPE })).status).toBe(404);
    expect(app.logs.filter((l) => l.includes('rejected'))).toEqual([
      expect.stringContaining('rejected PUT /api/1/envelope/: 405'),
      expect.stringContaining('rejected POST /api/1/whatever/: 404'),
    ]);
  });

  it('refuses a key outside --keys with 401 before inflating its body', async () => {
    const app = await createTestApp({ allowedKeys: [KEY], maxEnvelopeBytes: 1024 * 1024 });
    const bomb = zlib.gzipSync(new Uint8Array(64 * 1024 * 1024));
    const res = await app.request('/api/1/envelope/?sentry_key=ffffffffffffffffffffffffffffffff', { method: 'POST', headers: { 'content-encoding': 'gzip' }, body: bomb });
    expect(res.status).toBe(401);
  });

  it('answers 400 for a project id too large to be a number', async () => {
    const app = await createTestApp();
    const res = await app.request('/api/99999999999999999999999/envelope/', { method: 'POST', body: SIMPLE_ENVELOPE });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'bad project path parameter', causes: ['project id "99999999999999999999999" is too large'] });
  });

  it.each([['[1,2]'], ['null']])('says a store body of %s is JSON but not an event object', async (body) => {
    const app = await createTestApp();
    const res = await app.request('/api/1/store/', { method: 'POST', body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toBe('invalid event: the store body is not a JSON object');
  });

  it.each([
    ['an empty body', '', 'empty request body'],
    ['a header that is not JSON', 'not json\n', 'invalid event envelope'],
    ['a length that overruns the body', `{"event_id":"${EVENT_ID}"}\n{"type":"attachment","length":2}\n\u25b6\n`, 'invalid event envelope'],
  ])('answers 400 for %s and stores nothing', async (_name, body, detail) => {
    const app = await createTestApp();
    const res = await app.request('/api/1/envelope/', { method: 'POST', body });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { detail: string; causes: string[] };
    expect(json.detail).toBe(detail);
    expect(Array.isArray(json.causes)).toBe(true);
    expect(await app.store.listEnvelopes({})).toEqual([]);
    expect(app.logs).toHaveLength(1);
  });

  it('answers 400 for a non-numeric project id', async () => {
    const app = await createTestApp();
    const res = await app.request('/api/abc/envelope/', { method: 'POST', body: SIMPLE_ENVELOPE });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'bad project path parameter', causes: ['project id "abc" is not a number'] });
  });

  it('answers 401 without a key when keys are restricted, and for an unlisted key', async () => {
    const app = await createTestApp({ allowedKeys: [KEY] });
    const missing = await app.request('/api/1/envelope/', { method: 'POST', body: SIMPLE_ENVELOPE });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ detail: 'missing authorization information', causes: [] });
    const other = await app.request('/api/1/envelope/?sentry_key=ffffffffffffffffffffffffffffffff', { method: 'POST', body: SIMPLE_ENVELOPE });
    expect(other.status).toBe(401);
    expect(await app.store.listEnvelopes({})).toEqual([]);
  });

  it('accepts requests without a key by default', async () => {
    const app = await createTestApp();
    const res = await app.request('/api/1/envelope/', { method: 'POST', body: SIMPLE_ENVELOPE });
    expect(res.status).toBe(200);
    expect((await app.store.listEnvelopes({}))[0]!.publicKey).toBeNull();
  });

  it('answers 404 with a JSON detail for a POST to an unknown path', async () => {
    const app = await createTestApp();
    const res = await app.request('/api/1/nothing/', { method: 'POST', body: SIMPLE_ENVELOPE });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { detail: string }).detail).toBe('no ingest endpoint at /api/1/nothing/');
  });
});

describe('store endpoint', () => {
  it('accepts NaN and Infinity from old Python clients and stores the body unchanged', async () => {
    const app = await createTestApp();
    const body = enc(`{"event_id":"${EVENT_ID}","message":"nan","extra":{"a":NaN,"b":-Infinity,"c":"NaN"}}`);
    const res = await app.request('/api/1/store/', { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(sha256((await app.store.getEnvelope(1))!.body)).toBe(sha256(body));
  });

  it('parses an envelope posted to /store/ with the envelope content type', async () => {
    const app = await createTestApp();
    const res = await app.request('/api/1/store/', { method: 'POST', headers: { 'content-type': 'application/x-sentry-envelope' }, body: SIMPLE_ENVELOPE });
    expect(await res.json()).toEqual({ id: EVENT_ID });
    expect((await app.store.listEnvelopes({}))[0]!.endpoint).toBe('envelope');
  });

  it('answers 400 for a body that is neither JSON nor base64, storing nothing', async () => {
    const app = await createTestApp();
    const res = await app.request('/api/1/store/', { method: 'POST', body: '%%% not an event' });
    expect(res.status).toBe(400);
    expect(await app.store.listEnvelopes({})).toEqual([]);
  });
});

describe('health', () => {
  it('answers 200 while the store is usable', async () => {
    const app = await createTestApp();
    const res = await app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

import { describe, expect, it } from 'bun:test';
import * as zlib from 'node:zlib';
import { bytes, createTestApp, enc, EVENT_ID, KEY, sha256, SIMPLE_ENVELOPE } from '../helpers/app.ts';

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

  it('keeps a binary replay recording byte for byte (F01)', async () => {
    const app = await createTestApp();
    const rrweb = zlib.deflateSync(enc(JSON.stringify([{ type: 4, timestamp: 1718100000500, data: { href: 'https://app.example/' } }])));
    const recording = bytes('{"segment_id":3}\n', rrweb, [0x8b, 0xff, 0xc3]);
    const body = bytes(
      `{"event_id":"${EVENT_ID}","sent_at":"2024-06-11T10:00:00.000Z","sdk":{"name":"sentry.javascript.browser","version":"8.9.0"}}\n`,
      '{"type":"replay_event"}\n',
      `{"type":"replay_event","replay_id":"${EVENT_ID}","segment_id":3,"timestamp":1718100000.5}\n`,
      `{"type":"replay_recording","length":${recording.byteLength}}\n`,
      recording,
      '\n',
    );
    const res = await app.request(`/api/42/envelope/?sentry_key=${KEY}`, { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: EVENT_ID });
    const stored = (await app.store.getEnvelope(1))!;
    expect(sha256(stored.body)).toBe(sha256(body));
    expect(stored.itemTypes).toEqual(['replay_event', 'replay_recording']);
    expect(stored.mainType).toBe('replay');
  });

  it('stores every item of a multi-item envelope and indexes the event in second position (F04)', async () => {
    const app = await createTestApp();
    const body =
      `{"event_id":"${EVENT_ID}","sent_at":"2026-07-15T08:00:00Z","dsn":"http://${KEY}@localhost:8000/1"}\n` +
      '{"type":"session"}\n{"sid":"7c7b6a1e-4b4c-4c39-9a5c-6c3f7b1b7a10","status":"exited","errors":1,"started":"2026-07-15T07:59:00Z","attrs":{"release":"app@1.0"}}\n' +
      `{"type":"event"}\n{"event_id":"${EVENT_ID}","exception":{"values":[{"type":"Error","value":"boom"}]}}\n` +
      '{"type":"attachment","length":11,"filename":"a.txt"}\nline1\nline2\n';
    const res = await app.request('/api/1/envelope/', { method: 'POST', body });
    expect(await res.json()).toEqual({ id: EVENT_ID });
    const [row] = await app.store.listEnvelopes({});
    expect(row!.itemTypes).toEqual(['session', 'event', 'attachment']);
    expect(row!.mainType).toBe('error');
    expect(row!.title).toBe('Error: boom');
    const items = await app.store.listItems(row!.id);
    expect(items.map((i) => [i.position, i.type, i.length, i.filename])).toEqual([
      [0, 'session', 138, null],
      [1, 'event', 104, null],
      [2, 'attachment', 11, 'a.txt'],
    ]);
    expect(items[1]!.ids).toEqual({ event_id: EVENT_ID });
    expect(items[2]!.ids).toEqual({ event_id: EVENT_ID });
    expect(items[0]!.ids).toEqual({ sid: '7c7b6a1e-4b4c-4c39-9a5c-6c3f7b1b7a10' });
  });

  it('accepts an unknown item type next to known ones (F20)', async () => {
    const app = await createTestApp();
    const body =
      `{"event_id":"${EVENT_ID}","dsn":"https://${KEY}@sentry.example/2"}\n` +
      '{"type":"event"}\n{"message":"kept?"}\n' +
      '{"type":"client_report"}\n{"timestamp":1642153010.09,"discarded_events":[{"reason":"sample_rate","category":"transaction","quantity":1}]}\n' +
      '{"type":"some_future_type","length":5}\nhello\n';
    const res = await app.request('/api/2/envelope/', { method: 'POST', body });
    expect(await res.json()).toEqual({ id: EVENT_ID });
    expect((await app.store.listEnvelopes({}))[0]!.itemTypes).toEqual(['event', 'client_report', 'some_future_type']);
  });

  it('uses the header event_id when the payload has none (F21)', async () => {
    const app = await createTestApp();
    const body = `{"event_id":"${EVENT_ID}","dsn":"https://${KEY}@errors.example/3","sent_at":"2026-09-05T10:00:00Z"}\n{"type":"event","content_type":"application/json"}\n{"timestamp":"2026-09-05T10:00:00Z","platform":"php","level":"error","message":"Synthetic test"}\n`;
    const res = await app.request('/api/3/envelope/', { method: 'POST', body });
    expect(await res.json()).toEqual({ id: EVENT_ID });
    expect((await app.store.listEnvelopes({}))[0]).toMatchObject({ eventId: EVENT_ID, platform: 'php', title: 'Synthetic test' });
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

describe('CORS preflight', () => {
  it('answers without auth, echoing the requested headers and allowing private network (F13)', async () => {
    const app = await createTestApp({ allowedKeys: [KEY] });
    const res = await app.request(`/api/42/envelope/?sentry_key=${KEY}&sentry_version=7`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,request-context,request-id,traceparent',
        'access-control-request-private-network': 'true',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type,request-context,request-id,traceparent');
    expect(res.headers.get('access-control-allow-private-network')).toBe('true');
    expect(res.headers.get('access-control-max-age')).toBe('3600');
  });
});

describe('store endpoint', () => {
  const event = { event_id: EVENT_ID, message: 'hi', platform: 'python', timestamp: '2016-06-09T15:25:57Z' };
  const json = JSON.stringify(event);
  const b64 = (b: Uint8Array) => enc(Buffer.from(b).toString('base64'));
  it.each([
    ['(a) plain JSON', { 'content-type': 'application/json' }, enc(json)],
    ['(b) base64 of zlib', {}, b64(zlib.deflateSync(enc(json)))],
    ['(c) base64 of JSON', {}, b64(enc(json))],
    [
      '(d) deflate from raven',
      {
        'content-encoding': 'deflate',
        'content-type': 'application/octet-stream',
        'x-sentry-auth': `Sentry sentry_timestamp=1465485957.17, sentry_client=raven-python/5.8.1, sentry_version=6, sentry_key=${KEY}, sentry_secret=s3cret`,
      },
      zlib.deflateSync(enc(json)),
    ],
  ])('stores the event of %s and answers its id (F09)', async (_name, headers, body) => {
    const app = await createTestApp();
    const res = await app.request('/api/42/store/', { method: 'POST', headers, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: EVENT_ID });
    const [row] = await app.store.listEnvelopes({});
    expect(row).toMatchObject({ endpoint: 'store', projectId: 42, eventId: EVENT_ID, title: 'hi', platform: 'python', mainType: 'error', eventTs: Date.parse('2016-06-09T15:25:57Z') });
  });

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

// Field cases about HTTP requests (shared/docs/field-cases.md): F07, F09, F11, F12, F13, F15, F16, F18.
// Each test asserts the case's "Correct behaviour" values against the in-process capture app.
import { describe, expect, it } from 'bun:test';
import * as zlib from 'node:zlib';
import { envelopeUrl, parseDsn } from '../../src/envelope/dsn.ts';
import { envelopeFromStored } from '../../src/envelope/stored.ts';
import { DUMP, multipart, MULTIPART_CT } from '../envelope/fixtures/crash-upload.ts';
import { bytes, createTestApp, enc, EVENT_ID, KEY, sha256, SIMPLE_ENVELOPE } from '../helpers/app.ts';

describe('F07 Content-Encoding', () => {
  it('F07 decodes br (and gzip, deflate, zstd, identity, any case, stacked) and refuses an unknown coding with 415 naming it', async () => {
    const plain = enc(SIMPLE_ENVELOPE);
    const cases: [string, Uint8Array][] = [
      ['br', zlib.brotliCompressSync(plain)],
      ['BR', zlib.brotliCompressSync(plain)],
      ['gzip', zlib.gzipSync(plain)],
      ['deflate', zlib.deflateSync(plain)],
      ['zstd', zlib.zstdCompressSync(plain)],
      ['identity', plain],
      ['gzip, br', zlib.brotliCompressSync(zlib.gzipSync(plain))],
    ];
    for (const [coding, body] of cases) {
      const app = await createTestApp();
      const headers = { 'content-encoding': coding, 'content-type': 'application/x-sentry-envelope', 'x-sentry-auth': `Sentry sentry_key=${KEY}, sentry_version=7, sentry_client=sentry.python/2.18.0` };
      const res = await app.request('/api/42/envelope/', { method: 'POST', headers, body: body as Uint8Array<ArrayBuffer> });
      expect([coding, res.status, await res.json()]).toEqual([coding, 200, { id: EVENT_ID }]);
      expect(sha256((await app.store.getEnvelope(1))!.body)).toBe(sha256(plain));
    }
    const app = await createTestApp();
    const res = await app.request('/api/42/envelope/', { method: 'POST', headers: { 'content-encoding': 'compress' }, body: plain });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { detail: string }).detail).toContain('"compress"');
    expect(await app.store.listEnvelopes({})).toEqual([]);
  });
});

describe('F09 legacy store bodies', () => {
  it('F09 stores the same event for JSON, base64(zlib), base64 and raven deflate bodies, answering its id; 400 for garbage', async () => {
    const json = JSON.stringify({ event_id: EVENT_ID, message: 'hi' });
    const b64 = (b: Uint8Array) => enc(Buffer.from(b).toString('base64'));
    const raven = { 'content-encoding': 'deflate', 'content-type': 'application/octet-stream', 'x-sentry-auth': `Sentry sentry_timestamp=1465485957.17, sentry_client=raven-python/5.8.1, sentry_version=6, sentry_key=${KEY}, sentry_secret=s3cret` };
    const variants: [string, Record<string, string>, Uint8Array][] = [
      ['a', { 'content-type': 'application/json' }, enc(json)],
      ['b', {}, b64(zlib.deflateSync(enc(json)))],
      ['c', {}, b64(enc(json))],
      ['d', raven, zlib.deflateSync(enc(json))],
    ];
    for (const [name, headers, body] of variants) {
      const app = await createTestApp();
      const res = await app.request('/api/42/store/', { method: 'POST', headers, body: body as Uint8Array<ArrayBuffer> });
      expect([name, res.status, await res.json()]).toEqual([name, 200, { id: EVENT_ID }]);
      const record = (await app.store.getEnvelope(1))!;
      expect(record).toMatchObject({ endpoint: 'store', eventId: EVENT_ID, title: 'hi' });
      expect(JSON.stringify(record.requestMeta)).not.toContain('s3cret');
      expect(app.logs.join()).not.toContain('s3cret');
      // On replay a store event becomes one envelope item {"type":"event"}.
      const env = envelopeFromStored(record.endpoint, record.body, record.requestMeta);
      expect([env.header, env.items.map((i) => i.header)]).toEqual([{ event_id: EVENT_ID }, [{ type: 'event' }]]);
      expect(JSON.parse(new TextDecoder().decode(env.items[0]!.payload))).toEqual(JSON.parse(json));
    }
    const app = await createTestApp();
    const bad = await app.request('/api/42/store/', { method: 'POST', body: '%%% not an event' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toBe('invalid event: the store body is neither JSON nor base64');
  });
});

describe('F11 text/plain envelopes with query auth', () => {
  it('F11 accepts text/plain;charset=UTF-8 with query-string auth as bytes and answers with CORS', async () => {
    const app = await createTestApp({ allowedKeys: [KEY] });
    const body = enc(`{"event_id":"${EVENT_ID}","sent_at":"2023-07-10T13:08:56.137Z","sdk":{"name":"sentry.javascript.react","version":"7.23.0"},"trace":{"public_key":"${KEY}","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}}\n{"type":"transaction"}\n{"transaction":"/page","type":"transaction","start_timestamp":1688994535.1,"timestamp":1688994536.0,"contexts":{"trace":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"b0e6f15b45c36b12"}},"extra":{"s":"é"}}`);
    const res = await app.request(`/api/42/envelope/?sentry_key=${KEY}&sentry_version=7&sentry_client=sentry.javascript.react%2F7.23.0`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://app.example' }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: EVENT_ID });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const record = (await app.store.getEnvelope(1))!;
    expect(sha256(record.body)).toBe(sha256(body));
    expect(record).toMatchObject({ publicKey: KEY, mainType: 'transaction' });
    expect(record.requestMeta.sentry_client).toBe('sentry.javascript.react/7.23.0');
  });
});

describe('F12 no Content-Type at all', () => {
  it('F12 stores identical bytes for a missing, text/plain and octet-stream Content-Type and answers 200', async () => {
    const app = await createTestApp();
    const body = bytes(
      `{"event_id":"${EVENT_ID}","dsn":"https://${KEY}@o1.ingest.sentry.io/42"}\n{"type":"replay_event"}\n{"replay_id":"${EVENT_ID}","segment_id":0}\n`,
      '{"type":"replay_recording","length":19}\n{"segment_id":0}\n', [0x78, 0x9c], '\n',
    );
    const variants: Record<string, string>[] = [{}, { 'content-type': 'text/plain;charset=UTF-8' }, { 'content-type': 'application/octet-stream' }];
    for (const headers of variants) {
      const res = await app.request('/tunnel', { method: 'POST', headers, body });
      expect(res.status).toBe(200);
    }
    const rows = await app.store.listEnvelopes({ order: 'asc' });
    const hashes = await Promise.all(rows.map(async (r) => sha256((await app.store.getEnvelope(r.id))!.body)));
    expect(hashes).toEqual([sha256(body), sha256(body), sha256(body)]);
  });
});

describe('F13 CORS preflight', () => {
  it('F13 answers preflights on envelope, store, minidump and tunnel paths without auth, echoing requested headers', async () => {
    const app = await createTestApp({ allowedKeys: [KEY] });
    for (const path of [`/api/42/envelope/?sentry_key=${KEY}&sentry_version=7`, '/api/42/store/', '/api/42/minidump/', '/tunnel']) {
      const res = await app.request(path, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,request-context,request-id,traceparent', 'access-control-request-private-network': 'true' },
      });
      expect([path, res.status]).toEqual([path, 204]);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
      expect(res.headers.get('access-control-allow-headers')).toBe('content-type,request-context,request-id,traceparent');
      expect(res.headers.get('access-control-max-age')).toBe('3600');
      expect(res.headers.get('access-control-allow-private-network')).toBe('true');
    }
    const post = await app.request(`/api/42/envelope/?sentry_key=${KEY}`, { method: 'POST', headers: { origin: 'https://app.example' }, body: SIMPLE_ENVELOPE });
    expect(post.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(post.headers.get('access-control-expose-headers')).toBe('x-sentry-error, x-sentry-rate-limits, retry-after');
  });
});

describe('F15 X-Sentry-Auth parameter order', () => {
  it('F15 authenticates sentry_key in any position, any scheme case, in X-Sentry-Auth or Authorization; 401 without a key', async () => {
    const app = await createTestApp({ allowedKeys: [KEY] });
    const carriers: Record<string, string>[] = [
      { 'x-sentry-auth': `Sentry sentry_key=${KEY}, sentry_version=7, sentry_client=sentry.go/0.20.0` },
      { 'x-sentry-auth': `Sentry sentry_version=7,sentry_client=raven-python/5.8.1,sentry_timestamp=1465485957.17,sentry_key=${KEY},sentry_secret=s3cret` },
      { 'x-sentry-auth': `sentry sentry_key=${KEY},sentry_version=7` },
      { authorization: `Sentry sentry_key=${KEY}, sentry_version=7` },
    ];
    for (const headers of carriers) {
      const res = await app.request('/api/42/envelope/', { method: 'POST', headers, body: SIMPLE_ENVELOPE });
      expect([headers, res.status]).toEqual([headers, 200]);
    }
    expect((await app.store.listEnvelopes({})).map((r) => r.publicKey)).toEqual([KEY, KEY, KEY, KEY]);
    const missing = await app.request('/api/42/envelope/', { method: 'POST', body: SIMPLE_ENVELOPE });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ detail: 'missing authorization information' });
  });
});

describe('F16 auth from the envelope dsn', () => {
  it('F16 accepts a tunnelled envelope with no header or query auth for the project of its dsn', async () => {
    const app = await createTestApp({ allowedKeys: [KEY] });
    const body = `{"event_id":"${EVENT_ID}","sent_at":"2021-06-29T10:00:00Z","sdk":{"name":"sentry.javascript.angular","version":"6.8.0"},"dsn":"https://${KEY}@sentry.example/2"}\n{"type":"event"}\n{"message":"via tunnel"}\n`;
    const res = await app.request('/tunnel', { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body });
    expect(res.status).toBe(200);
    expect((await app.store.listEnvelopes({}))[0]).toMatchObject({ projectId: 2, publicKey: KEY, requestMeta: expect.objectContaining({ auth_carrier: 'envelope-dsn' }) });
  });
});

describe('F18 DSN with a path prefix', () => {
  it('F18 routes /<prefix>/api/<project>/(envelope|store|minidump)/ and parses the prefix out of the DSN', async () => {
    const app = await createTestApp();
    const auth = { 'x-sentry-auth': `Sentry sentry_key=${KEY}, sentry_version=7` };
    expect((await app.request('/sentry/api/848/envelope/', { method: 'POST', headers: auth, body: SIMPLE_ENVELOPE })).status).toBe(200);
    expect((await app.request('/sentry/api/848/store/', { method: 'POST', headers: auth, body: '{"message":"old"}' })).status).toBe(200);
    const form = multipart([{ name: 'upload_file_minidump', filename: 'm.dmp', data: DUMP }]);
    expect((await app.request('/sentry/api/848/minidump/', { method: 'POST', headers: { ...auth, 'content-type': MULTIPART_CT }, body: form })).status).toBe(200);
    const rows = await app.store.listEnvelopes({ order: 'asc' });
    expect(rows.map((r) => [r.endpoint, r.projectId, r.requestMeta.path_prefix])).toEqual([
      ['envelope', 848, '/sentry'],
      ['store', 848, '/sentry'],
      ['minidump', 848, '/sentry'],
    ]);
    const dsn = parseDsn(`https://${KEY}@obs.example/sentry/848/`);
    expect([dsn.pathPrefix, dsn.projectId, envelopeUrl(dsn)]).toEqual(['/sentry', '848', 'https://obs.example/sentry/api/848/envelope/']);
  });
});

// Every non-envelope endpoint SDKs and browsers post to: status and body as Relay's, the request
// stored verbatim, indexed as the envelope Relay would build, and that envelope replayable.
import { describe, expect, it } from 'bun:test';
import * as zlib from 'node:zlib';
import { parseEnvelope } from '../../src/envelope/parse.ts';
import { serializeEnvelope } from '../../src/envelope/serialize.ts';
import { envelopeFromStored } from '../../src/envelope/stored.ts';
import { createIdMinter, IdMap } from '../../src/replay/ids.ts';
import { rewriteEnvelope } from '../../src/replay/rewrite.ts';
import { DUMP, multipart, MULTIPART_CT, msgpack } from '../envelope/fixtures/crash-upload.ts';
import { createTestApp, enc, EVENT_ID, KEY, sha256, type TestApp } from '../helpers/app.ts';

const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CSP = JSON.stringify({ 'csp-report': { 'document-uri': 'https://app.example/', 'effective-directive': 'script-src-elem', 'blocked-uri': 'https://evil.example/x.js' } });

async function only(app: TestApp) {
  const rows = await app.store.listEnvelopes({});
  expect(rows).toHaveLength(1);
  const record = (await app.store.getEnvelope(rows[0]!.id))!;
  return { record, items: await app.store.listItems(record.id) };
}

/** What replay does with a stored row: convert, rewrite, serialise; the result must parse again. */
function replayable(record: { endpoint: string; body: Uint8Array; requestMeta: Record<string, string> }) {
  const env = envelopeFromStored(record.endpoint, record.body, record.requestMeta);
  const ctx = { deltaSeconds: 60, ids: new IdMap(createIdMinter(1)), destination: { publicKey: KEY, dsn: `http://${KEY}@127.0.0.1:1/9` }, sentAt: new Date(0) };
  return parseEnvelope(serializeEnvelope(rewriteEnvelope(env, ctx)));
}

describe('minidump endpoint', () => {
  const form = () =>
    multipart([
      { name: 'sentry', value: JSON.stringify({ event_id: EVENT_ID, release: 'app@3', platform: 'native' }) },
      { name: 'upload_file_minidump', filename: 'crash.dmp.gz', data: zlib.gzipSync(DUMP) },
      { name: 'log', filename: 'app.log', data: 'boot ok\n', contentType: 'text/plain' },
    ]);

  it.each([['/api/42/minidump/'], ['/api/42/minidump'], ['/crash/prefix/api/42/minidump/']])('answers %s with the dashed event id as text and stores the form verbatim', async (path) => {
    const app = await createTestApp();
    const body = form();
    const res = await app.request(`${path}?sentry_key=${KEY}`, { method: 'POST', headers: { 'content-type': MULTIPART_CT }, body });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('9ec79c33-ec99-42ab-8353-589fcb2e04dc');
    const { record, items } = await only(app);
    expect(record).toMatchObject({ endpoint: 'minidump', projectId: 42, publicKey: KEY, eventId: EVENT_ID, mainType: 'error', itemTypes: ['attachment', 'form_data'], release: 'app@3', platform: 'native', title: 'Minidump' });
    expect(sha256(record.body)).toBe(sha256(body));
    expect(record.requestMeta['content-type']).toBe(MULTIPART_CT);
    expect(items.map((i) => [i.type, i.attachmentType, i.filename, i.contentType, i.length])).toEqual([
      ['attachment', 'event.minidump', 'crash.dmp', 'application/x-dmp', DUMP.length],
      ['attachment', 'event.attachment', 'app.log', 'text/plain', 8],
      ['form_data', null, null, 'text/plain', items[2]!.length],
    ]);
    const replayed = replayable(record);
    expect(replayed.items.map((i) => i.header.type)).toEqual(['attachment', 'attachment', 'form_data']);
    expect(replayed.items[0]!.payload).toEqual(DUMP);
    expect(replayed.header.event_id).not.toBe(EVENT_ID);
  });

  it('accepts a raw dump body and mints the event id it answers with', async () => {
    const app = await createTestApp();
    const res = await app.request(`/api/42/minidump/?sentry_key=${KEY}`, { method: 'POST', headers: { 'content-type': 'application/x-dmp' }, body: DUMP });
    const id = await res.text();
    expect(id).toMatch(DASHED);
    const { record, items } = await only(app);
    expect(record.eventId).toBe(id.replaceAll('-', ''));
    expect(items.map((i) => [i.type, i.attachmentType, i.filename])).toEqual([['attachment', 'event.minidump', 'Minidump']]);
    expect(envelopeFromStored(record.endpoint, record.body, record.requestMeta).header).toEqual({ event_id: record.eventId });
  });

  it('takes the event id from a msgpack __sentry-event', async () => {
    const app = await createTestApp();
    const body = multipart([
      { name: '__sentry-event', filename: '__sentry-event', data: msgpack({ event_id: EVENT_ID, platform: 'native', level: 'fatal' }) },
      { name: 'upload_file_minidump', filename: 'm.dmp', data: DUMP },
    ]);
    const res = await app.request('/api/42/minidump/', { method: 'POST', headers: { 'content-type': MULTIPART_CT }, body });
    expect(await res.text()).toBe('9ec79c33-ec99-42ab-8353-589fcb2e04dc');
    expect((await only(app)).record.level).toBe('fatal');
  });

  it.each([
    ['a dump with the wrong magic', MULTIPART_CT, multipart([{ name: 'upload_file_minidump', filename: 'm', data: 'ZZZZ' }]), 'invalid minidump'],
    ['a form without the minidump field', MULTIPART_CT, multipart([{ name: 'x', value: 'y' }]), 'missing minidump'],
    ['a raw body that is no dump', 'application/octet-stream', enc('hello'), 'invalid minidump'],
    ['a form body without a boundary', 'multipart/form-data', multipart([]), 'invalid multipart data'],
  ])('answers 400 for %s and stores nothing', async (_name, contentType, body, detail) => {
    const app = await createTestApp();
    const res = await app.request('/api/42/minidump/', { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toBe(detail);
    expect(await app.store.listEnvelopes({})).toEqual([]);
    expect(app.logs).toHaveLength(1);
  });
});

describe('security and NEL endpoints', () => {
  it.each([['/api/42/security/'], ['/api/42/csp-report/'], ['/api/42/security']])('accepts a CSP report at %s with 200 and an empty body', async (path) => {
    const app = await createTestApp({ allowedKeys: [KEY] });
    const res = await app.request(`${path}?sentry_key=${KEY}&sentry_release=web%401.2&sentry_environment=prod`, { method: 'POST', headers: { 'content-type': 'application/csp-report', origin: 'https://app.example' }, body: CSP });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const { record, items } = await only(app);
    expect(record).toMatchObject({ endpoint: 'security', mainType: 'security', publicKey: KEY, release: 'web@1.2', environment: 'prod', title: 'CSP violation of script-src-elem: https://evil.example/x.js', itemTypes: ['raw_security'] });
    expect(new TextDecoder().decode(record.body)).toBe(CSP);
    expect(items[0]).toMatchObject({ type: 'raw_security', contentType: 'application/json', ids: { event_id: record.eventId } });
    expect(replayable(record).items[0]!.header).toEqual({ type: 'raw_security', length: CSP.length, content_type: 'application/json', sentry_release: 'web@1.2', sentry_environment: 'prod' });
  });

  it.each([['application/json'], ['application/expect-ct-report+json'], ['application/expect-staple-report'], ['application/expect-ct-report']])('accepts %s on /security/', async (contentType) => {
    const app = await createTestApp();
    const res = await app.request('/api/42/security/', { method: 'POST', headers: { 'content-type': contentType }, body: CSP });
    expect(res.status).toBe(200);
  });

  it.each([['/api/42/security/', 'text/plain'], ['/api/42/security/', 'application/reports+json'], ['/api/42/nel/', 'application/csp-report'], ['/api/42/security/', null]])(
    'answers %s with %s 415 and stores nothing',
    async (path, contentType) => {
      const app = await createTestApp();
      const res = await app.request(path, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body: CSP });
      expect(res.status).toBe(415);
      expect(((await res.json()) as { detail: string }).detail).toStartWith('unsupported content type');
      expect(await app.store.listEnvelopes({})).toEqual([]);
    },
  );

  it('stores a Reporting API batch at /nel/ as one nel item per report', async () => {
    const app = await createTestApp();
    const body = '[{"age":2,"type":"network-error","url":"https://app.example/a","body":{"type":"http.error","status_code":502}},{"age":5,"type":"network-error","url":"https://app.example/b","body":{"type":"dns.name_not_resolved"}}]';
    const res = await app.request('/api/42/nel/', { method: 'POST', headers: { 'content-type': 'application/reports+json' }, body });
    expect([res.status, await res.text()]).toEqual([200, '']);
    const { record, items } = await only(app);
    expect(record).toMatchObject({ endpoint: 'nel', mainType: 'nel', title: 'NEL http.error: https://app.example/a' });
    const reports = (JSON.parse(body) as unknown[]).map((report) => JSON.stringify(report));
    expect(items.map((i) => [i.type, i.length])).toEqual(reports.map((report) => ['nel', report.length]));
    expect(replayable(record).items).toHaveLength(2);
  });
});

describe('unreal endpoint', () => {
  it('stores the crash body raw, takes the key from the path and answers a dashed event id', async () => {
    const app = await createTestApp({ allowedKeys: [KEY] });
    const body = zlib.deflateSync(enc('CR1\0CrashContext.runtime-xml'));
    const res = await app.request(`/api/42/unreal/${KEY}/?UserID=player-1`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
    expect(res.status).toBe(200);
    const id = await res.text();
    expect(id).toMatch(DASHED);
    const { record, items } = await only(app);
    expect(record).toMatchObject({ endpoint: 'unreal', publicKey: KEY, eventId: id.replaceAll('-', ''), mainType: 'error', title: 'Unreal Engine crash report' });
    expect(record.requestMeta.auth_carrier).toBe('path');
    expect(sha256(record.body)).toBe(sha256(body));
    expect(items.map((i) => [i.type, i.length])).toEqual([['unreal_report', body.length]]);
    expect(replayable(record).header.unreal_user_id).toBe('player-1');
  });
});

describe('cron endpoint', () => {
  it.each([
    ['GET', `/api/42/cron/nightly-backup/${KEY}/?status=ok&duration=12.5`],
    ['GET', `/api/42/cron/nightly-backup/${KEY}?status=ok&duration=12.5`],
    ['POST', `/api/42/cron/nightly-backup/?sentry_key=${KEY}&status=ok&duration=12.5`],
    ['POST', `/sub/api/42/cron/nightly-backup?sentry_key=${KEY}&status=ok&duration=12.5`],
  ])('answers %s %s with 202 and no body, storing a check_in', async (method, path) => {
    const app = await createTestApp({ allowedKeys: [KEY] });
    const res = await app.request(path, { method });
    expect([res.status, await res.text()]).toEqual([202, '']);
    const { record, items } = await only(app);
    expect(record).toMatchObject({ endpoint: 'cron', projectId: 42, publicKey: KEY, mainType: 'check_in', title: 'nightly-backup ok' });
    expect(items[0]!.ids).toEqual({ check_in_id: '00000000000000000000000000000000', monitor_slug: 'nightly-backup' });
    expect(JSON.parse(new TextDecoder().decode(replayable(record).items[0]!.payload))).toMatchObject({ monitor_slug: 'nightly-backup', status: 'ok', duration: 12.5 });
  });

  it('takes a JSON check-in body, keeping its monitor_config', async () => {
    const app = await createTestApp();
    const body = JSON.stringify({ check_in_id: EVENT_ID, status: 'in_progress', monitor_config: { schedule: { type: 'interval', value: 1, unit: 'hour' } } });
    const res = await app.request('/api/42/cron/hourly/', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(202);
    const { record, items } = await only(app);
    expect(new TextDecoder().decode(record.body)).toBe(body);
    expect(items[0]!.ids).toEqual({ check_in_id: EVENT_ID, monitor_slug: 'hourly' });
  });

  it('answers 400 for a check-in without status', async () => {
    const app = await createTestApp();
    const res = await app.request('/api/42/cron/hourly/', { method: 'GET' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'invalid query string', causes: ['missing field `status`'] });
  });
});

describe('methods', () => {
  it('answers GET on a POST-only ingest endpoint with 405 and a JSON detail, leaving other GETs to the app', async () => {
    const app = await createTestApp();
    const res = await app.request('/api/42/envelope/');
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({ detail: 'GET is not allowed on the envelope endpoint; SDKs POST to it', causes: [] });
    expect((await app.request('/health')).status).toBe(200);
  });
});

describe('store endpoint extras', () => {
  it('answers a GET beacon with a 1×1 GIF and stores the sentry_data event', async () => {
    const app = await createTestApp();
    const event = JSON.stringify({ event_id: EVENT_ID, message: 'beacon', platform: 'javascript' });
    const res = await app.request(`/api/42/store/?sentry_version=4&sentry_key=${KEY}&sentry_data=${encodeURIComponent(event)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(new TextDecoder().decode((await res.arrayBuffer()).slice(0, 6))).toBe('GIF89a');
    const { record } = await only(app);
    expect(record).toMatchObject({ endpoint: 'store', eventId: EVENT_ID, title: 'beacon' });
    expect(new TextDecoder().decode(record.body)).toBe(event);
    expect(record.requestMeta.query).toBe(`sentry_version=4&sentry_key=${KEY}`);
    expect(record.requestMeta.method).toBe('GET');
  });

  it('resolves /api/store/ without a project id from the legacy "project" field, else answers 400', async () => {
    const app = await createTestApp();
    const ok = await app.request('/api/store/', { method: 'POST', body: JSON.stringify({ event_id: EVENT_ID, message: 'old', project: '17' }) });
    expect(await ok.json()).toEqual({ id: EVENT_ID });
    expect((await app.store.listEnvelopes({}))[0]!.projectId).toBe(17);
    const bad = await app.request('/api/store/', { method: 'POST', body: JSON.stringify({ message: 'old' }) });
    expect(bad.status).toBe(400);
    const json = (await bad.json()) as { detail: string; causes: string[] };
    expect(json.detail).toBe('missing project id');
    expect(json.causes[0]).toContain('post to /api/<project id>/store/');
  });

  it('gives a store event without event_id an id that replay reuses', async () => {
    const app = await createTestApp();
    const res = (await (await app.request('/api/42/store/', { method: 'POST', body: '{"message":"no id"}' })).json()) as { id: string };
    const { record } = await only(app);
    expect(record.eventId).toBe(res.id);
    expect(envelopeFromStored(record.endpoint, record.body, record.requestMeta).header.event_id).toBe(res.id);
  });
});

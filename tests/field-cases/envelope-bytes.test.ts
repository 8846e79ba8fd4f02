// Field cases about envelope bytes (shared/docs/field-cases.md): F01, F03, F04, F20, F21.
// Each test asserts the case's "Correct behaviour" values against the in-process capture app.
import { describe, expect, it } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvelope } from '../../src/envelope/parse.ts';
import { serializeEnvelope } from '../../src/envelope/serialize.ts';
import { envelopeFromStored } from '../../src/envelope/stored.ts';
import { createIdMinter, IdMap } from '../../src/replay/ids.ts';
import { rewriteEnvelope } from '../../src/replay/rewrite.ts';
import { bytes, createTestApp, KEY, sha256, type TestApp } from '../helpers/app.ts';

const ID = '5b2a9c1f0e3d4a6b8c7d9e0f1a2b3c4d';
const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dir, '../envelope/fixtures', name)));

async function stored(app: TestApp) {
  const [row] = await app.store.listEnvelopes({});
  return { record: (await app.store.getEnvelope(row!.id))!, items: await app.store.listItems(row!.id) };
}

function replayBytes(record: { endpoint: string; body: Uint8Array; requestMeta: Record<string, string> }): Uint8Array {
  const env = envelopeFromStored(record.endpoint, record.body, record.requestMeta);
  const ctx = { deltaSeconds: 3600, ids: new IdMap(createIdMinter(3)), destination: { publicKey: KEY, dsn: `http://${KEY}@127.0.0.1:9/42` }, sentAt: new Date('2026-01-01T00:00:00Z') };
  return serializeEnvelope(rewriteEnvelope(env, ctx));
}

describe('F01 binary replay_recording', () => {
  it('F01 keeps a binary zlib replay_recording byte for byte: stored sha256 equal, item 1187 bytes, 200 {"id"}', async () => {
    const app = await createTestApp();
    const body = fixture('replay-recording.envelope');
    const res = await app.request('/tunnel', { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'a3f9c2e14b7d4e0f8c6b5a4d3e2f1a0b' });
    const { record, items } = await stored(app);
    expect(sha256(record.body)).toBe(sha256(body));
    expect(items.map((i) => [i.type, i.length])).toEqual([['replay_event', items[0]!.length], ['replay_recording', 1187]]);
    // Forwarded unchanged, the envelope is byte-identical.
    expect(sha256(serializeEnvelope(envelopeFromStored(record.endpoint, record.body, record.requestMeta)))).toBe(sha256(body));
  });
});

describe('F03 length counts UTF-8 bytes', () => {
  it('F03 refuses a length counted in characters with Relay\'s 400, keeps a BOM+CRLF payload of 10 bytes, and re-serialises "naïve ▶ 😀" with its byte length', async () => {
    const app = await createTestApp();
    const chars = `{"event_id":"${ID}","dsn":"https://${KEY}@sentry.example/42"}\n{"type":"event"}\n{"message":"message","level":"error"}\n{"type":"attachment","length":2,"content_type":"text/plain","filename":"log.txt"}\n\u25b6\n`;
    const refused = await app.request('/api/42/envelope/', { method: 'POST', body: chars });
    expect(refused.status).toBe(400);
    const json = (await refused.json()) as { detail: string; causes: string[] };
    expect(json.detail).toBe('invalid event envelope');
    expect(json.causes[0]).toContain('expected a newline after the 2-byte payload');

    const bom = fixture('bom-crlf-attachment.envelope');
    expect((await app.request('/api/42/envelope/', { method: 'POST', body: bom })).status).toBe(200);
    const first = (await stored(app)).items;
    expect(first[0]).toMatchObject({ type: 'attachment', length: 10 });

    const message = 'naïve ▶ 😀';
    const payload = JSON.stringify({ event_id: ID, message, timestamp: 1767225600 });
    const body = `{"event_id":"${ID}"}\n{"type":"event","length":${Buffer.byteLength(payload)}}\n${payload}\n`;
    const other = await createTestApp();
    await other.request('/api/42/envelope/', { method: 'POST', body });
    const replayed = replayBytes((await stored(other)).record);
    const item = parseEnvelope(replayed).items[0]!;
    expect(item.header.length).toBe(item.payload.byteLength);
    expect(JSON.parse(new TextDecoder().decode(item.payload)).message).toBe(message);
    const upstream = await createTestApp();
    expect((await upstream.request('/api/42/envelope/', { method: 'POST', body: replayed as Uint8Array<ArrayBuffer> })).status).toBe(200);
  });
});

describe('F04 every item is read', () => {
  it('F04 stores session, event and an 11-byte attachment with an inner newline; the event is indexed and linked', async () => {
    const app = await createTestApp();
    const body =
      `{"event_id":"${ID}","sent_at":"2026-07-15T08:00:00Z","dsn":"http://${KEY}@localhost:8000/1"}\n` +
      '{"type":"session"}\n{"sid":"7c7b6a1e-4b4c-4c39-9a5c-6c3f7b1b7a10","status":"exited","errors":1,"started":"2026-07-15T07:59:00Z","attrs":{"release":"app@1.0"}}\n' +
      `{"type":"event"}\n{"event_id":"${ID}","exception":{"values":[{"type":"Error","value":"boom"}]}}\n` +
      '{"type":"attachment","length":11,"filename":"a.txt"}\nline1\nline2\n';
    const res = await app.request('/api/1/envelope/', { method: 'POST', body });
    expect(await res.json()).toEqual({ id: ID });
    const { record, items } = await stored(app);
    expect(record).toMatchObject({ itemTypes: ['session', 'event', 'attachment'], mainType: 'error', title: 'Error: boom', eventId: ID });
    expect(items.map((i) => [i.type, i.length, i.ids])).toEqual([
      ['session', 138, { sid: '7c7b6a1e-4b4c-4c39-9a5c-6c3f7b1b7a10' }],
      ['event', 104, { event_id: ID }],
      ['attachment', 11, { event_id: ID }],
    ]);
    const attachment = envelopeFromStored(record.endpoint, record.body).items[2]!;
    expect(new TextDecoder().decode(attachment.payload)).toBe('line1\nline2');
  });
});

describe('F20 unknown item types', () => {
  it('F20 accepts an unknown item type beside known ones, storing and marking it, and replays it', async () => {
    const app = await createTestApp();
    const body =
      `{"event_id":"${ID}","dsn":"https://${KEY}@sentry.example/2"}\n` +
      '{"type":"event"}\n{"message":"kept?"}\n' +
      '{"type":"client_report"}\n{"timestamp":1642153010.09,"discarded_events":[{"reason":"sample_rate","category":"transaction","quantity":1}]}\n' +
      '{"type":"some_future_type","length":5}\nhello\n';
    const res = await app.request('/api/2/envelope/', { method: 'POST', body });
    expect(await res.json()).toEqual({ id: ID });
    const { record, items } = await stored(app);
    expect(items.map((i) => [i.type, i.known])).toEqual([['event', true], ['client_report', true], ['some_future_type', false]]);
    const replayed = parseEnvelope(replayBytes(record));
    expect(replayed.items.map((i) => i.header.type)).toEqual(['event', 'client_report', 'some_future_type']);
    expect(new TextDecoder().decode(replayed.items[2]!.payload)).toBe('hello');
  });
});

describe('F21 event_id only in the envelope header', () => {
  it('F21 uses the header event_id (also over a different payload id) and answers it', async () => {
    const app = await createTestApp();
    const body = `{"event_id":"${ID}","dsn":"https://${KEY}@errors.example/3","sent_at":"2026-09-05T10:00:00Z"}\n{"type":"event","content_type":"application/json"}\n{"timestamp":"2026-09-05T10:00:00Z","platform":"php","level":"error","message":"Synthetic test"}\n`;
    const res = await app.request('/api/3/envelope/', { method: 'POST', body });
    expect(await res.json()).toEqual({ id: ID });
    expect((await stored(app)).record).toMatchObject({ eventId: ID, platform: 'php', title: 'Synthetic test' });
    const other = await createTestApp();
    const differing = bytes(`{"event_id":"${ID}"}\n{"type":"event"}\n{"event_id":"ffffffffffffffffffffffffffffffff","message":"m"}\n`);
    expect(await (await other.request('/api/3/envelope/', { method: 'POST', body: differing })).json()).toEqual({ id: ID });
  });
});

// The per-item index for every item type, envelope framing edge cases at the HTTP level, and
// unknown types/keys surviving the replay serialiser.
import { describe, expect, it } from 'bun:test';
import { parseEnvelope } from '../../src/envelope/parse.ts';
import { serializeEnvelope } from '../../src/envelope/serialize.ts';
import { envelopeFromStored } from '../../src/envelope/stored.ts';
import { createIdMinter, IdMap } from '../../src/replay/ids.ts';
import { rewriteEnvelope } from '../../src/replay/rewrite.ts';
import { bytes, createTestApp, EVENT_ID, KEY, sha256 } from '../helpers/app.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE2 = '0af7651916cd43dd8448eb211c80319c';
const REPLAY = 'a2b9c8d7e6f54321a2b9c8d7e6f54321';
const line = (value: unknown) => `${JSON.stringify(value)}\n`;

async function post(body: string | Uint8Array) {
  const app = await createTestApp();
  const res = await app.request(`/api/3/envelope/?sentry_key=${KEY}`, { method: 'POST', body: body as Uint8Array<ArrayBuffer> });
  const rows = await app.store.listEnvelopes({});
  return { app, res, row: rows[0], items: rows[0] ? await app.store.listItems(rows[0].id) : [] };
}

describe('item index', () => {
  it('indexes the ids each item type carries', async () => {
    const body =
      line({ event_id: EVENT_ID, sent_at: '2026-01-01T00:00:00Z' }) +
      line({ type: 'feedback' }) + line({ contexts: { feedback: { message: 'bad', associated_event_id: TRACE, replay_id: REPLAY }, trace: { trace_id: TRACE2 } } }) +
      line({ type: 'replay_recording', length: 2 }) + '[]\n' +
      line({ type: 'profile_chunk', platform: 'node' }) + line({ profiler_id: TRACE, chunk_id: TRACE2, platform: 'node' }) +
      line({ type: 'check_in' }) + line({ check_in_id: TRACE2, monitor_slug: 'job', status: 'ok', contexts: { trace: { trace_id: TRACE } } }) +
      line({ type: 'log', item_count: 2, content_type: 'application/vnd.sentry.items.log+json' }) + line({ items: [{ trace_id: TRACE, body: 'a' }, { trace_id: TRACE2, body: 'b' }] }) +
      line({ type: 'span', item_count: 1, content_type: 'application/vnd.sentry.items.span.v2+json' }) + line({ items: [{ trace_id: TRACE, span_id: 'b0e6f15b45c36b12' }] }) +
      line({ type: 'trace_metric', item_count: 1, content_type: 'application/vnd.sentry.items.trace-metric+json' }) + line({ items: [{ trace_id: TRACE2, name: 'm' }] }) +
      line({ type: 'attachment', length: 3, filename: 'v.json', attachment_type: 'event.view_hierarchy' }) + '{}\n\n' +
      line({ type: 'client_report' }) + line({ discarded_events: [{ reason: 'sample_rate', category: 'transaction', quantity: 3 }, { reason: 'queue_overflow', category: 'error', quantity: 2 }] });
    const { res, items } = await post(body);
    expect(res.status).toBe(200);
    expect(items.map((i) => [i.type, i.ids])).toEqual([
      ['feedback', { trace_id: TRACE2, replay_id: REPLAY, associated_event_id: TRACE }],
      ['replay_recording', null],
      ['profile_chunk', { profiler_id: TRACE, chunk_id: TRACE2 }],
      ['check_in', { trace_id: TRACE, check_in_id: TRACE2, monitor_slug: 'job' }],
      ['log', { item_count: '2', trace_id: TRACE, trace_ids: `${TRACE},${TRACE2}` }],
      ['span', { item_count: '1', trace_id: TRACE }],
      ['trace_metric', { item_count: '1', trace_id: TRACE2 }],
      ['attachment', { event_id: EVENT_ID }],
      ['client_report', { discarded_events: '5' }],
    ]);
    expect(items[7]).toMatchObject({ attachmentType: 'event.view_hierarchy', filename: 'v.json', length: 3 });
  });

  it('indexes replay_event ids and trace lists, and transaction profile links', async () => {
    const body =
      line({ event_id: EVENT_ID }) +
      line({ type: 'replay_event' }) + line({ type: 'replay_event', replay_id: REPLAY, event_id: REPLAY, segment_id: 0, trace_ids: [TRACE, TRACE2], error_ids: [EVENT_ID] }) +
      line({ type: 'profile' }) + line({ event_id: TRACE2, transaction: { id: EVENT_ID, trace_id: TRACE, name: 'GET /' } });
    const { items } = await post(body);
    expect(items.map((i) => i.ids)).toEqual([
      { event_id: REPLAY, replay_id: REPLAY, trace_ids: `${TRACE},${TRACE2}`, error_ids: EVENT_ID },
      { event_id: TRACE2, profile_id: TRACE2, transaction_id: EVENT_ID, trace_id: TRACE },
    ]);
  });

  it('keeps unknown item types and header keys through the replay rewrite and serialiser', async () => {
    const body =
      line({ event_id: EVENT_ID, x_relay_hint: { a: [1, 2] } }) +
      line({ type: 'event', x_item_flag: true }) + line({ message: 'known', event_id: EVENT_ID }) +
      line({ type: 'some_future_type', length: 5, x_meta: 'kept' }) + 'hello\n';
    const { app, row, items } = await post(body);
    expect(items.map((i) => [i.type, i.known])).toEqual([['event', true], ['some_future_type', false]]);
    const record = (await app.store.getEnvelope(row!.id))!;
    const ctx = { deltaSeconds: 10, ids: new IdMap(createIdMinter(7)), destination: { publicKey: KEY, dsn: `http://${KEY}@127.0.0.1:9/4` }, sentAt: new Date(0) };
    const replayed = parseEnvelope(serializeEnvelope(rewriteEnvelope(envelopeFromStored(record.endpoint, record.body, record.requestMeta), ctx)));
    expect(replayed.header.x_relay_hint).toEqual({ a: [1, 2] });
    expect(replayed.items.map((i) => i.header)).toEqual([{ type: 'event', x_item_flag: true }, { type: 'some_future_type', length: 5, x_meta: 'kept' }]);
    expect(new TextDecoder().decode(replayed.items[1]!.payload)).toBe('hello');
  });
});

describe('envelope framing over HTTP', () => {
  it.each([
    ['a length-less item at EOF without a final newline', `{"event_id":"${EVENT_ID}"}\n{"type":"event"}\n{"message":"m"}`, ['event']],
    ['a length item at EOF without a final newline', `{"event_id":"${EVENT_ID}"}\n{"type":"attachment","length":3}\nabc`, ['attachment']],
    ['a header-only envelope with its newline', `{"event_id":"${EVENT_ID}"}\n`, []],
    ['a header-only envelope without a newline', `{"event_id":"${EVENT_ID}"}`, []],
    ['blank lines between items', `{"event_id":"${EVENT_ID}"}\n\n{"type":"event"}\n{}\n\n{"type":"session"}\n{"sid":"s"}\n`, ['event', 'session']],
    ['a CR at the end of a length-less payload (kept in the payload)', `{"event_id":"${EVENT_ID}"}\n{"type":"attachment"}\nabc\r\n`, ['attachment']],
  ])('accepts %s and stores it verbatim', async (_name, body, types) => {
    const { res, row, items } = await post(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: EVENT_ID });
    expect(items.map((i) => i.type)).toEqual(types);
    expect(row!.mainType).toBe(types.length ? row!.mainType : 'empty');
  });

  it('answers {} for an empty envelope header without items, as Relay', async () => {
    const { res, row } = await post('{}');
    expect([res.status, await res.json(), row!.mainType]).toEqual([200, {}, 'empty']);
  });

  it.each([
    ['a zero-byte body', '', 'empty request body'],
    ['whitespace only', ' \n', 'invalid event envelope'],
    ['CRLF after a header', `{"event_id":"${EVENT_ID}"}\r\n{"type":"event"}\r\n{}\r\n`, 'invalid event envelope'],
    ['a UTF-8 byte order mark before the header', `\ufeff{"event_id":"${EVENT_ID}"}\n`, 'invalid event envelope'],
    ['whitespace after the final newline', `{"event_id":"${EVENT_ID}"}\n{"type":"event"}\n{}\n \n`, 'invalid event envelope'],
    ['a duplicate header key', `{"event_id":"${EVENT_ID}","event_id":"${EVENT_ID}"}\n`, 'invalid event envelope'],
  ])('refuses %s with 400 and stores nothing', async (_name, body, detail) => {
    const { app, res } = await post(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toBe(detail);
    expect(await app.store.listEnvelopes({})).toEqual([]);
  });

  it('keeps every item when one payload is invalid UTF-8, indexing what can be read', async () => {
    const broken = bytes('{"message":"caf', [0xe9, 0xff, 0xfe], '"}');
    const body = bytes(
      `{"event_id":"${EVENT_ID}"}\n`,
      `{"type":"event","length":${broken.length}}\n`, broken, '\n',
      '{"type":"session"}\n{"sid":"7c7b6a1e-4b4c-4c39-9a5c-6c3f7b1b7a10","status":"ok","attrs":{"release":"r@1"}}\n',
      '{"type":"attachment","length":2,"filename":"b.bin"}\n', [0xc3, 0x28], '\n',
    );
    const { app, res, row, items } = await post(body);
    expect(await res.json()).toEqual({ id: EVENT_ID });
    expect(sha256((await app.store.getEnvelope(row!.id))!.body)).toBe(sha256(body));
    expect(items.map((i) => [i.type, i.length, i.ids])).toEqual([
      ['event', broken.length, null],
      ['session', 86, { sid: '7c7b6a1e-4b4c-4c39-9a5c-6c3f7b1b7a10' }],
      ['attachment', 2, { event_id: EVENT_ID }],
    ]);
    expect(row).toMatchObject({ mainType: 'error', title: null, release: 'r@1' });
  });
});

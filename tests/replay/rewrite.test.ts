import { describe, expect, it } from 'bun:test';
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import type { Envelope, EnvelopeItem, JsonObject } from '../../src/envelope/types.ts';
import { IdMap, createIdMinter } from '../../src/replay/ids.ts';
import {
  type RewriteContext,
  newestTimestamp,
  planDelta,
  planDeltas,
  rewriteEnvelope,
  traceIdOf,
} from '../../src/replay/rewrite.ts';
import { toEpochMicros } from '../../src/replay/time.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const DAY = 86_400;
const DELTA = 45 * DAY;

const TRACE = '8f2a0c1e3b4d5f60718293a4b5c6d7e8';
const ERR_ID = '4e0c0e6f0b1a4d3c9c0f2b7a1d2e3f40';
const TX_ID = 'b1e2c3d4a5f60718293a4b5c6d7e8f90';
const REPLAY = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const PROFILE = 'd0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0';
const PROFILER = 'e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1';
const ROOT_SPAN = '1111111111111111';
const CHILD_SPAN = '2222222222222222';
const GRANDCHILD_SPAN = '3333333333333333';
const SID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const OLD_DSN = 'https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/1';
const DESTINATION = {
  publicKey: 'fedcba9876543210fedcba9876543210',
  dsn: 'https://fedcba9876543210fedcba9876543210@o2.ingest.sentry.io/2',
};
const SENT_AT = new Date('2024-05-16T19:33:30.000Z');
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

function toBytes(payload: unknown): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  return encoder.encode(typeof payload === 'string' ? payload : JSON.stringify(payload));
}

function makeItem(type: string, payload: unknown, extra: JsonObject = {}): EnvelopeItem {
  const bytes = toBytes(payload);
  const header = { type, length: bytes.byteLength, ...extra };
  return { header, rawHeader: encoder.encode(JSON.stringify(header)), payload: bytes };
}

function makeEnvelope(header: JsonObject, items: EnvelopeItem[]): Envelope {
  return { header, rawHeader: encoder.encode(JSON.stringify(header)), items };
}

function json(item: EnvelopeItem | undefined): any {
  if (!item) throw new Error('missing item');
  return JSON.parse(decoder.decode(item.payload));
}

function context(ids = new IdMap(createIdMinter(42)), deltaSeconds = DELTA): RewriteContext {
  return { deltaSeconds, ids, destination: DESTINATION, sentAt: SENT_AT };
}

const DSC = {
  trace_id: TRACE,
  public_key: '0123456789abcdef0123456789abcdef',
  sample_rate: '0.25',
  sample_rand: '0.1234',
  sampled: 'true',
  org_id: '1',
  replay_id: REPLAY,
  release: 'app@1',
};

function transactionEnvelope(): Envelope {
  const transaction = {
    event_id: TX_ID,
    type: 'transaction',
    transaction: 'GET /',
    start_timestamp: 1712000000.0,
    timestamp: 1712000001.25,
    received: 1712000009.0,
    contexts: {
      trace: { trace_id: TRACE, span_id: ROOT_SPAN, op: 'http.server' },
      profile: { profile_id: PROFILE },
      replay: { replay_id: REPLAY },
      app: { app_start_time: '2024-04-01T19:30:00Z' },
      device: { boot_time: '2024-04-01T10:00:00.000Z' },
    },
    spans: [
      {
        trace_id: TRACE,
        span_id: CHILD_SPAN,
        parent_span_id: ROOT_SPAN,
        start_timestamp: 1712000000.1,
        timestamp: 1712000000.9,
        data: { profiler_id: PROFILER },
      },
      {
        trace_id: TRACE,
        span_id: GRANDCHILD_SPAN,
        parent_span_id: CHILD_SPAN,
        start_timestamp: 1712000000.2,
        timestamp: 1712000000.45,
      },
    ],
    breadcrumbs: { values: [{ timestamp: 1711999999.5 }, { timestamp: '2024-04-01T19:33:19.750000Z' }] },
    measurements: { lcp: { value: 1234.5, unit: 'millisecond' } },
    debug_meta: { images: [{ debug_id: '9b7e5a2c-0000-4000-8000-123456789abc', type: 'macho' }] },
  };
  const profile = {
    event_id: PROFILE,
    platform: 'python',
    timestamp: '2024-04-01T19:33:20.000000Z',
    transaction: { id: TX_ID, trace_id: TRACE, name: 'GET /', active_thread_id: '1' },
    profile: { samples: [{ elapsed_since_start_ns: '1000', stack_id: 0, thread_id: '1' }] },
  };
  return makeEnvelope({ event_id: TX_ID, sent_at: '2024-04-01T19:33:22.000Z', dsn: OLD_DSN, trace: { ...DSC } }, [
    makeItem('transaction', transaction, { content_type: 'application/json' }),
    makeItem('profile', profile),
  ]);
}

function errorEnvelope(): Envelope {
  const error = {
    event_id: ERR_ID,
    level: 'error',
    timestamp: 1712000000.5,
    received: 1712000010.0,
    contexts: { trace: { trace_id: TRACE, span_id: CHILD_SPAN } },
    breadcrumbs: [
      { timestamp: 1712000000.3, category: 'ui.click' },
      { timestamp: '2024-04-01T19:33:20.400Z', category: 'sentry.transaction', event_id: TX_ID },
    ],
    tags: { replayId: REPLAY },
  };
  const attachment = new Uint8Array([0x00, 0xff, 0x0a, 0x7b, 0x22, 0x0a]);
  return makeEnvelope({ event_id: ERR_ID, sent_at: '2024-04-01T19:33:21.000Z', trace: { ...DSC } }, [
    makeItem('event', error),
    makeItem('attachment', attachment, { filename: 'dump.bin' }),
    makeItem('user_report', { event_id: ERR_ID, name: 'A', email: 'a@example.com', comments: 'broke' }),
  ]);
}

describe('rewriteEnvelope: envelope header', () => {
  const ids = new IdMap(createIdMinter(1));
  const out = rewriteEnvelope(transactionEnvelope(), context(ids));

  it('mints a fresh event id shared by header and payload', () => {
    expect(out.header.event_id).toMatch(HEX32);
    expect(out.header.event_id).not.toBe(TX_ID);
    expect(json(out.items[0]).event_id).toBe(out.header.event_id as string);
  });

  it('sets sent_at, dsn and the DSC public key to the destination', () => {
    expect(out.header.sent_at).toBe('2024-05-16T19:33:30.000Z');
    expect(out.header.dsn).toBe(DESTINATION.dsn);
    expect(out.header.trace).toEqual({
      trace_id: ids.get(TRACE),
      public_key: DESTINATION.publicKey,
      sample_rate: '0.25',
      sample_rand: '0.1234',
      sampled: 'true',
      replay_id: ids.get(REPLAY),
      release: 'app@1',
    });
    expect(out.rawHeader).toBeUndefined();
  });

  it('adds sent_at but no dsn or event_id the header did not have', () => {
    const env = makeEnvelope({}, [makeItem('session', { sid: SID, started: '2024-04-01T19:33:00Z' })]);
    expect(rewriteEnvelope(env, context()).header).toEqual({ sent_at: '2024-05-16T19:33:30.000Z' });
  });
});

describe('rewriteEnvelope: transaction', () => {
  const ids = new IdMap(createIdMinter(2));
  const input = transactionEnvelope();
  const snapshot = structuredClone(input);
  const out = rewriteEnvelope(input, context(ids));
  const tx = json(out.items[0]);

  it('leaves the input envelope untouched', () => {
    expect(input).toEqual(snapshot);
  });

  it('shifts every timestamp by the delta, keeping its form', () => {
    expect(tx.start_timestamp).toBe(1715888000);
    expect(tx.timestamp).toBe(1715888001.25);
    expect(tx.spans.map((s: any) => [s.start_timestamp, s.timestamp])).toEqual([
      [1715888000.1, 1715888000.9],
      [1715888000.2, 1715888000.45],
    ]);
    expect(tx.breadcrumbs.values.map((b: any) => b.timestamp)).toEqual([1715887999.5, '2024-05-16T19:33:19.750000Z']);
    expect(tx.contexts.app.app_start_time).toBe('2024-05-16T19:30:00Z');
    expect(tx.contexts.device.boot_time).toBe('2024-05-16T10:00:00.000Z');
  });

  it('keeps durations and offsets to the millisecond', () => {
    const ms = (v: unknown) => (toEpochMicros(v) as number) / 1000;
    expect(ms(tx.timestamp) - ms(tx.start_timestamp)).toBe(1250);
    expect(ms(tx.spans[0].timestamp) - ms(tx.spans[0].start_timestamp)).toBe(800);
    expect(ms(tx.spans[1].start_timestamp) - ms(tx.start_timestamp)).toBe(200);
    expect(ms(tx.breadcrumbs.values[1].timestamp) - ms(tx.breadcrumbs.values[0].timestamp)).toBe(250);
  });

  it('remaps span ids consistently', () => {
    const [child, grandchild] = tx.spans;
    expect(tx.contexts.trace.span_id).toMatch(HEX16);
    expect(tx.contexts.trace.span_id).not.toBe(ROOT_SPAN);
    expect(child.parent_span_id).toBe(tx.contexts.trace.span_id);
    expect(grandchild.parent_span_id).toBe(child.span_id);
    expect(child.span_id).not.toBe(CHILD_SPAN);
    expect(new Set([tx.contexts.trace.span_id, child.span_id, grandchild.span_id]).size).toBe(3);
  });

  it('remaps trace, replay and profile links', () => {
    expect(tx.contexts.trace.trace_id).toBe(ids.get(TRACE));
    expect(tx.spans.every((s: any) => s.trace_id === tx.contexts.trace.trace_id)).toBe(true);
    expect(tx.contexts.replay.replay_id).toBe(ids.get(REPLAY));
    expect(tx.contexts.profile.profile_id).toBe(ids.get(PROFILE));
    expect(tx.spans[0].data.profiler_id).toBe(ids.get(PROFILER));
  });

  it('drops received and keeps measurements and debug_meta', () => {
    expect('received' in tx).toBe(false);
    expect(tx.measurements).toEqual({ lcp: { value: 1234.5, unit: 'millisecond' } });
    expect(tx.debug_meta.images[0].debug_id).toBe('9b7e5a2c-0000-4000-8000-123456789abc');
  });

  it('links the profile to the rewritten transaction', () => {
    const profile = json(out.items[1]);
    expect(profile.event_id).toBe(tx.contexts.profile.profile_id);
    expect(profile.transaction.id).toBe(tx.event_id);
    expect(profile.transaction.trace_id).toBe(tx.contexts.trace.trace_id);
    expect(profile.timestamp).toBe('2024-05-16T19:33:20.000000Z');
    expect(profile.profile.samples[0].elapsed_since_start_ns).toBe('1000');
  });

  it('updates length and drops rawHeader on rewritten items', () => {
    for (const item of out.items) {
      expect(item.rawHeader).toBeUndefined();
      expect(item.header.length).toBe(item.payload.byteLength);
    }
    expect(out.items[0]?.header.content_type).toBe('application/json');
  });
});

describe('rewriteEnvelope: error and transaction of one trace', () => {
  const ids = new IdMap(createIdMinter(3));
  const tx = json(rewriteEnvelope(transactionEnvelope(), context(ids)).items[0]);
  const errorOut = rewriteEnvelope(errorEnvelope(), context(ids));
  const error = json(errorOut.items[0]);

  it('keeps the trace linkage across envelopes', () => {
    expect(error.contexts.trace.trace_id).toBe(tx.contexts.trace.trace_id);
    expect(error.contexts.trace.span_id).toBe(tx.spans[0].span_id);
    expect((errorOut.header.trace as JsonObject).trace_id).toBe(tx.contexts.trace.trace_id);
    expect(error.tags.replayId).toBe(tx.contexts.replay.replay_id);
  });

  it('keeps the offset between the error and the transaction to the millisecond', () => {
    expect(error.timestamp).toBe(1715888000.5);
    expect(Math.round((error.timestamp - tx.start_timestamp) * 1000)).toBe(500);
    expect(error.breadcrumbs.map((b: any) => b.timestamp)).toEqual([1715888000.3, '2024-05-16T19:33:20.400Z']);
    expect('received' in error).toBe(false);
  });

  it('points the breadcrumb and the user report at the new ids', () => {
    expect(error.breadcrumbs[1].event_id).toBe(tx.event_id);
    expect(json(errorOut.items[2]).event_id).toBe(error.event_id);
    expect(error.event_id).toBe(errorOut.header.event_id as string);
    expect(error.event_id).not.toBe(ERR_ID);
  });

  it('passes the attachment through byte for byte', () => {
    const original = errorEnvelope().items[1] as EnvelopeItem;
    const attachment = errorOut.items[1] as EnvelopeItem;
    expect(attachment.payload).toEqual(original.payload);
    expect(attachment.rawHeader).toEqual(original.rawHeader as Uint8Array);
    expect(attachment.header).toEqual(original.header);
  });
});

describe('rewriteEnvelope: event ids (F21)', () => {
  it('lets the header id win when the payload differs', () => {
    const env = makeEnvelope({ event_id: ERR_ID }, [makeItem('event', { event_id: TX_ID, timestamp: 1712000000 })]);
    const ids = new IdMap(createIdMinter(4));
    const out = rewriteEnvelope(env, context(ids));
    expect(json(out.items[0]).event_id).toBe(out.header.event_id as string);
    expect(out.header.event_id).toBe(ids.get(ERR_ID) as string);
  });

  it('keeps a header-only event id header-only', () => {
    const env = makeEnvelope({ event_id: ERR_ID }, [makeItem('event', { timestamp: '2026-09-05T10:00:00Z' })]);
    const out = rewriteEnvelope(env, context(undefined, -DAY));
    expect(json(out.items[0])).toEqual({ timestamp: '2026-09-04T10:00:00Z' });
    expect(out.header.event_id).toMatch(HEX32);
  });

  it('gives an event id that is no id (not hex, all zeros) a fresh one, the same in header and payload', () => {
    for (const bad of ['nothex', '00000000000000000000000000000000']) {
      const env = makeEnvelope({ event_id: bad }, [makeItem('event', { event_id: bad, timestamp: 1712000000 })]);
      const out = rewriteEnvelope(env, context());
      expect(out.header.event_id).toMatch(HEX32);
      expect(out.header.event_id).not.toBe(bad);
      expect(json(out.items[0]).event_id).toBe(out.header.event_id as string);
    }
  });

  it('maps the payload id when the header has none, and adds none to the header', () => {
    const env = makeEnvelope({}, [makeItem('event', { event_id: ERR_ID })]);
    const ids = new IdMap(createIdMinter(5));
    const out = rewriteEnvelope(env, context(ids));
    expect(json(out.items[0]).event_id).toBe(ids.get(ERR_ID) as string);
    expect('event_id' in out.header).toBe(false);
  });
});

describe('rewriteEnvelope: replay', () => {
  const rrweb = [
    { type: 4, timestamp: 1712000000000, data: { href: 'https://app.example/' } },
    { type: 3, timestamp: 1712000000500, data: { source: 1, positions: [{ x: 1, y: 2, id: 3, timeOffset: -20 }] } },
    { type: 5, timestamp: 1712000000600, data: { tag: 'breadcrumb', payload: { timestamp: 1712000000.6, category: 'ui.click' } } },
    {
      type: 5,
      timestamp: 1712000000700,
      data: { tag: 'performanceSpan', payload: { op: 'navigation.navigate', startTimestamp: 1712000000.1, endTimestamp: 1712000000.7 } },
    },
  ];
  const expected = [
    { type: 4, timestamp: 1715888000000, data: { href: 'https://app.example/' } },
    { type: 3, timestamp: 1715888000500, data: { source: 1, positions: [{ x: 1, y: 2, id: 3, timeOffset: -20 }] } },
    { type: 5, timestamp: 1715888000600, data: { tag: 'breadcrumb', payload: { timestamp: 1715888000.6, category: 'ui.click' } } },
    {
      type: 5,
      timestamp: 1715888000700,
      data: { tag: 'performanceSpan', payload: { op: 'navigation.navigate', startTimestamp: 1715888000.1, endTimestamp: 1715888000.7 } },
    },
  ];
  const recording = (body: Uint8Array) => {
    const head = encoder.encode('{"segment_id":0}\n');
    const out = new Uint8Array(head.byteLength + body.byteLength);
    out.set(head);
    out.set(body, head.byteLength);
    return out;
  };
  const replayEnvelope = (body: Uint8Array) =>
    makeEnvelope({ event_id: REPLAY, sent_at: '2024-04-01T19:33:21.000Z' }, [
      makeItem('replay_event', {
        type: 'replay_event',
        replay_id: REPLAY,
        event_id: REPLAY,
        segment_id: 0,
        timestamp: 1712000000.7,
        replay_start_timestamp: 1712000000.0,
        trace_ids: [TRACE],
        error_ids: [ERR_ID],
        urls: ['https://app.example/'],
      }),
      makeItem('replay_recording', recording(body)),
    ]);
  const bodyOf = (item: EnvelopeItem | undefined) => {
    const payload = item?.payload as Uint8Array;
    const split = payload.indexOf(0x0a);
    expect(decoder.decode(payload.subarray(0, split))).toBe('{"segment_id":0}');
    return payload.subarray(split + 1);
  };

  it('round-trips a zlib recording with shifted rrweb timestamps', () => {
    const out = rewriteEnvelope(replayEnvelope(deflateSync(JSON.stringify(rrweb))), context());
    const item = out.items[1] as EnvelopeItem;
    const body = bodyOf(item);
    expect(body[0]).toBe(0x78);
    expect(JSON.parse(inflateSync(body).toString())).toEqual(expected);
    expect(item.header.length).toBe(item.payload.byteLength);
    expect(item.rawHeader).toBeUndefined();
  });

  it('keeps gzip as gzip and plain JSON as plain JSON', () => {
    const gz = bodyOf(rewriteEnvelope(replayEnvelope(gzipSync(JSON.stringify(rrweb))), context()).items[1]);
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    expect(JSON.parse(gunzipSync(gz).toString())).toEqual(expected);
    const plain = bodyOf(rewriteEnvelope(replayEnvelope(toBytes(rrweb)), context()).items[1]);
    expect(JSON.parse(decoder.decode(plain))).toEqual(expected);
  });

  it('maps the replay event ids and links it to the error it saw', () => {
    const ids = new IdMap(createIdMinter(6));
    const error = json(rewriteEnvelope(errorEnvelope(), context(ids)).items[0]);
    const out = rewriteEnvelope(replayEnvelope(deflateSync(JSON.stringify(rrweb))), context(ids));
    const replay = json(out.items[0]);
    expect(replay.replay_id).toBe(ids.get(REPLAY) as string);
    expect(replay.event_id).toBe(replay.replay_id);
    expect(out.header.event_id).toBe(replay.replay_id);
    expect(replay.error_ids).toEqual([error.event_id]);
    expect(replay.trace_ids).toEqual([error.contexts.trace.trace_id]);
    expect([replay.timestamp, replay.replay_start_timestamp]).toEqual([1715888000.7, 1715888000]);
    expect(replay.segment_id).toBe(0);
  });

  it('passes a corrupt recording through unchanged', () => {
    const corrupt = new Uint8Array([0x78, 0x9c, 0x01, 0x02, 0x03]);
    const env = replayEnvelope(corrupt);
    const out = rewriteEnvelope(env, context());
    expect(out.items[1]?.payload).toEqual(env.items[1]?.payload as Uint8Array);
    expect(out.items[1]?.rawHeader).toEqual(env.items[1]?.rawHeader as Uint8Array);
  });
});

describe('rewriteEnvelope: other item types', () => {
  it('maps a session id in its shape and shifts its times', () => {
    const ids = new IdMap(createIdMinter(7));
    const session = (timestamp: string) =>
      makeEnvelope({}, [
        makeItem('session', { sid: SID, did: 'user-1', started: '2024-04-01T19:33:00.000Z', timestamp, attrs: { release: 'a@1' } }),
      ]);
    const first = json(rewriteEnvelope(session('2024-04-01T19:33:20.000Z'), context(ids)).items[0]);
    const second = json(rewriteEnvelope(session('2024-04-01T19:34:00.000Z'), context(ids)).items[0]);
    expect(first.sid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.sid).toBe(first.sid);
    expect(first.did).toBe('user-1');
    expect([first.started, first.timestamp, second.timestamp]).toEqual([
      '2024-05-16T19:33:00.000Z',
      '2024-05-16T19:33:20.000Z',
      '2024-05-16T19:34:00.000Z',
    ]);
  });

  it('shifts session aggregates and client reports', () => {
    const env = makeEnvelope({}, [
      makeItem('sessions', { aggregates: [{ started: '2024-04-01T19:33:00Z', exited: 3 }], attrs: { release: 'a@1' } }),
      makeItem('client_report', { timestamp: 1712000002, discarded_events: [{ reason: 'x', category: 'error', quantity: 1 }] }),
    ]);
    const out = rewriteEnvelope(env, context());
    expect(json(out.items[0]).aggregates).toEqual([{ started: '2024-05-16T19:33:00Z', exited: 3 }]);
    expect(json(out.items[1]).timestamp).toBe(1715888002);
  });

  it('maps check-in ids but keeps the all-zero sentinel', () => {
    const ids = new IdMap(createIdMinter(8));
    const checkIn = (id: string) =>
      makeEnvelope({}, [makeItem('check_in', { check_in_id: id, monitor_slug: 'job', status: 'ok', contexts: { trace: { trace_id: TRACE } } })]);
    const out = json(rewriteEnvelope(checkIn(SID), context(ids)).items[0]);
    expect(out.check_in_id).toBe(ids.map(SID));
    expect(out.check_in_id).not.toBe(SID);
    expect(out.contexts.trace.trace_id).toBe(ids.get(TRACE) as string);
    const zero = '00000000-0000-0000-0000-000000000000';
    expect(json(rewriteEnvelope(checkIn(zero), context(ids)).items[0]).check_in_id).toBe(zero);
  });

  it('rewrites log and span v2 containers', () => {
    const ids = new IdMap(createIdMinter(9));
    const env = makeEnvelope({}, [
      makeItem(
        'log',
        {
          items: [
            {
              timestamp: 1712000000.8,
              trace_id: TRACE,
              span_id: CHILD_SPAN,
              level: 'info',
              body: 'hi',
              attributes: { 'sentry.replay_id': { value: REPLAY, type: 'string' }, other: { value: 'x', type: 'string' } },
            },
          ],
        },
        { item_count: 1, content_type: 'application/vnd.sentry.items.log+json' },
      ),
      makeItem(
        'span',
        {
          items: [
            {
              trace_id: TRACE,
              span_id: '5555555555555555',
              parent_span_id: CHILD_SPAN,
              start_timestamp: 1712000000.3,
              end_timestamp: 1712000000.35,
              attributes: {
                'sentry.segment.id': { value: ROOT_SPAN, type: 'string' },
                'sentry.profiler_id': { value: PROFILER, type: 'string' },
              },
              links: [{ trace_id: TRACE, span_id: ROOT_SPAN }],
            },
          ],
        },
        { item_count: 1, content_type: 'application/vnd.sentry.items.span.v2+json' },
      ),
    ]);
    const out = rewriteEnvelope(env, context(ids));
    const log = json(out.items[0]).items[0];
    expect(log).toEqual({
      timestamp: 1715888000.8,
      trace_id: ids.get(TRACE),
      span_id: ids.get(CHILD_SPAN),
      level: 'info',
      body: 'hi',
      attributes: { 'sentry.replay_id': { value: ids.get(REPLAY), type: 'string' }, other: { value: 'x', type: 'string' } },
    });
    const span = json(out.items[1]).items[0];
    expect(span).toEqual({
      trace_id: ids.get(TRACE),
      span_id: ids.get('5555555555555555'),
      parent_span_id: ids.get(CHILD_SPAN),
      start_timestamp: 1715888000.3,
      end_timestamp: 1715888000.35,
      attributes: {
        'sentry.segment.id': { value: ids.get(ROOT_SPAN), type: 'string' },
        'sentry.profiler_id': { value: ids.get(PROFILER), type: 'string' },
      },
      links: [{ trace_id: ids.get(TRACE), span_id: ids.get(ROOT_SPAN) }],
    });
    expect(out.items[0]?.header.item_count).toBe(1);
  });

  it('rewrites a profile chunk', () => {
    const ids = new IdMap(createIdMinter(10));
    const chunk = {
      profiler_id: PROFILER,
      chunk_id: 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0',
      platform: 'python',
      profile: { samples: [{ timestamp: 1712000000.01, stack_id: 0, thread_id: '1' }] },
      measurements: { cpu: { unit: 'percent', values: [{ timestamp: 1712000000.02, value: 5 }] } },
    };
    const out = json(rewriteEnvelope(makeEnvelope({}, [makeItem('profile_chunk', chunk, { platform: 'python' })]), context(ids)).items[0]);
    expect(out.profiler_id).toBe(ids.get(PROFILER) as string);
    expect(out.chunk_id).toBe(ids.get('f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0') as string);
    expect(out.profile.samples[0].timestamp).toBe(1715888000.01);
    expect(out.measurements.cpu.values[0].timestamp).toBe(1715888000.02);
  });

  it('rewrites feedback links', () => {
    const ids = new IdMap(createIdMinter(11));
    const feedback = {
      event_id: TX_ID,
      timestamp: 1712000005,
      contexts: { feedback: { message: 'bad', associated_event_id: ERR_ID, replay_id: REPLAY } },
    };
    const out = json(rewriteEnvelope(makeEnvelope({ event_id: TX_ID }, [makeItem('feedback', feedback)]), context(ids)).items[0]);
    expect(out.contexts.feedback).toEqual({ message: 'bad', associated_event_id: ids.get(ERR_ID), replay_id: ids.get(REPLAY) });
    expect(out.timestamp).toBe(1715888005);
  });

  it('leaves unknown items, invalid JSON and unchanged items byte-identical', () => {
    const env = makeEnvelope({ event_id: ERR_ID }, [
      makeItem('future_thing', { event_id: ERR_ID, timestamp: 1712000000 }),
      makeItem('event', '{"event_id": "not json'),
      makeItem('client_report', { discarded_events: [] }),
      makeItem('statsd', 'a:1|c|T1712000000\n'),
    ]);
    const out = rewriteEnvelope(env, context());
    env.items.forEach((item, index) => {
      expect(out.items[index]?.payload).toEqual(item.payload);
      expect(out.items[index]?.rawHeader).toEqual(item.rawHeader as Uint8Array);
    });
  });

  it('keeps integers beyond 2^53 exact', () => {
    const text = '{"event_id":"' + ERR_ID + '","timestamp":1712000000,"threads":{"values":[{"id":18446744073709551615}]}}';
    const out = rewriteEnvelope(makeEnvelope({}, [makeItem('event', text)]), context());
    expect(decoder.decode(out.items[0]?.payload)).toContain('"id":18446744073709551615');
  });

  it('is deterministic for a seeded IdMap', () => {
    const run = () => rewriteEnvelope(transactionEnvelope(), context(new IdMap(createIdMinter(99))));
    const [a, b] = [run(), run()];
    expect(a.header).toEqual(b.header);
    expect(a.items.map((i) => decoder.decode(i.payload))).toEqual(b.items.map((i) => decoder.decode(i.payload)));
  });
});

describe('newestTimestamp', () => {
  it('finds the newest item timestamp and ignores sent_at and received', () => {
    expect(newestTimestamp(transactionEnvelope())).toBe(1712000001.25);
    expect(newestTimestamp(errorEnvelope())).toBe(1712000000.5);
  });

  it('ignores implausible values such as milliseconds in a seconds field', () => {
    const env = makeEnvelope({}, [makeItem('event', { timestamp: 1712000000500, breadcrumbs: [{ timestamp: 1712000000.25 }] })]);
    expect(newestTimestamp(env)).toBe(1712000000.25);
  });

  it('reads session strings and rrweb milliseconds, and returns null without times', () => {
    const session = makeEnvelope({}, [makeItem('session', { sid: SID, started: '2024-04-01T19:33:00Z', timestamp: '2024-04-01T19:33:20.5Z' })]);
    expect(newestTimestamp(session)).toBe(1712000000.5);
    const recording = makeEnvelope({}, [makeItem('replay_recording', '{"segment_id":1}\n[{"type":3,"timestamp":1712000009250}]')]);
    expect(newestTimestamp(recording)).toBe(1712000009.25);
    expect(newestTimestamp(makeEnvelope({}, [makeItem('attachment', 'x')]))).toBeNull();
  });
});

describe('traceIdOf', () => {
  it('prefers the event trace context, then the DSC, then the first log or span', () => {
    expect(traceIdOf(transactionEnvelope())).toBe(TRACE);
    const upper = TRACE.toUpperCase();
    expect(traceIdOf(makeEnvelope({ trace: { trace_id: upper } }, [makeItem('session', {})]))).toBe(TRACE);
    const logs = makeEnvelope({}, [makeItem('log', { items: [{ trace_id: TRACE, timestamp: 1 }] })]);
    expect(traceIdOf(logs)).toBe(TRACE);
    expect(traceIdOf(makeEnvelope({}, [makeItem('session', {})]))).toBeNull();
  });
});

describe('planDeltas', () => {
  const now = 1715888010;

  it('gives one whole-second delta per trace so its newest lands before now minus the lead', () => {
    const deltas = planDeltas(
      [
        { traceId: TRACE, newest: 1712000000.5 },
        { traceId: TRACE.toUpperCase(), newest: 1712000001.25 },
        { traceId: null, newest: 1712000100 },
        { traceId: null, newest: null },
      ],
      now,
    );
    expect(deltas).toEqual([3888006, 3888006, 3887908, 0]);
    expect(1712000001.25 + 3888006).toBeLessThanOrEqual(now - 2);
    expect(1712000100 + 3887908).toBe(now - 2);
  });

  it('honours a custom lead', () => {
    expect(planDelta(1712000000, 1712000100, 10)).toBe(90);
  });
});

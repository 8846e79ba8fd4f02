import { describe, expect, it } from 'bun:test';
import { parseEnvelope } from '../../src/envelope/parse.ts';
import { summarizeEnvelope, summarizeStoreEvent } from '../../src/envelope/summarize.ts';
import type { Envelope, EnvelopeSummary, JsonObject } from '../../src/envelope/types.ts';
import { bytesOf, F20_UNKNOWN_TYPE, F21_HEADER_EVENT_ID, readFixture } from './fixtures/cases.ts';

const NOTHING: Omit<EnvelopeSummary, 'itemTypes' | 'mainType'> = {
  eventId: null,
  platform: null,
  sdkName: null,
  sdkVersion: null,
  traceId: null,
  release: null,
  environment: null,
  title: null,
  level: null,
};

/** An expected summary: every field not named is null. */
function summary(fields: Partial<EnvelopeSummary> & Pick<EnvelopeSummary, 'itemTypes' | 'mainType'>): EnvelopeSummary {
  return { ...NOTHING, ...fields };
}

const TRACE = '1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a';

const ENVELOPE_CASES: Array<{ name: string; bytes: Uint8Array; expected: EnvelopeSummary }> = [
  {
    name: 'a python error with chained exceptions',
    bytes: readFixture('python-error.envelope'),
    expected: summary({
      eventId: '4e0c0e6f0b1a4d3c9c0f2b7a1d2e3f40',
      itemTypes: ['event'],
      mainType: 'error',
      platform: 'python',
      sdkName: 'sentry.python.flask',
      sdkVersion: '2.20.0',
      traceId: '8f2a6c1e9b3d4f5a8e7c6b5a4d3c2b1a',
      release: 'shop@3.1.0',
      environment: 'staging',
      title: "KeyError: 'amount'",
      level: 'error',
    }),
  },
  {
    name: 'a node transaction',
    bytes: readFixture('js-transaction.envelope'),
    expected: summary({
      eventId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
      itemTypes: ['transaction'],
      mainType: 'transaction',
      platform: 'node',
      sdkName: 'sentry.javascript.node',
      sdkVersion: '9.12.0',
      traceId: TRACE,
      release: 'api@1.4.2',
      environment: 'production',
      title: 'GET /users/:id',
    }),
  },
  {
    name: 'a replay (F01)',
    bytes: readFixture('replay-recording.envelope'),
    expected: summary({
      eventId: 'a3f9c2e14b7d4e0f8c6b5a4d3e2f1a0b',
      itemTypes: ['replay_event', 'replay_recording'],
      mainType: 'replay',
      platform: 'javascript',
      sdkName: 'sentry.javascript.browser',
      sdkVersion: '8.9.0',
      release: 'web@2.4.0',
      environment: 'production',
    }),
  },
  {
    name: 'F04 session + event + attachment (release from the session attrs)',
    bytes: readFixture('f04-three-items.envelope'),
    expected: summary({
      eventId: '5b2a9c1f0e3d4a6b8c7d9e0f1a2b3c4d',
      itemTypes: ['session', 'event', 'attachment'],
      mainType: 'error',
      release: 'app@1.0',
      title: 'Error: boom',
    }),
  },
  {
    name: 'F21 with the event id only in the header',
    bytes: F21_HEADER_EVENT_ID,
    expected: summary({
      eventId: '7a1b2c3d4e5f60718293a4b5c6d7e8f9',
      itemTypes: ['event'],
      mainType: 'error',
      platform: 'php',
      title: 'Synthetic test',
      level: 'error',
    }),
  },
  {
    name: 'F20 with an unknown item type',
    bytes: F20_UNKNOWN_TYPE,
    expected: summary({
      eventId: '7a1b2c3d4e5f60718293a4b5c6d7e8f9',
      itemTypes: ['event', 'client_report', 'some_future_type'],
      mainType: 'error',
      title: 'kept?',
    }),
  },
  {
    name: 'a dashed uppercase header id (Rust) that wins over the payload id',
    bytes: bytesOf(
      '{"event_id":"9EC79C33-EC99-42AB-8353-589FCB2E04DC","sdk":{"name":"sentry.rust","version":"0.34.0"}}\n',
      '{"type":"event"}\n{"event_id":"00000000000000000000000000000001","message":"hi","sdk":{"version":"x"}}\n',
    ),
    expected: summary({
      eventId: '9ec79c33ec9942ab8353589fcb2e04dc',
      itemTypes: ['event'],
      mainType: 'error',
      sdkName: 'sentry.rust',
      sdkVersion: '0.34.0',
      title: 'hi',
    }),
  },
  {
    name: 'an event without release that falls back to the DSC',
    bytes: bytesOf(
      `{"trace":{"trace_id":"${TRACE}","release":"dsc@1","environment":"dsc-env"}}\n`,
      '{"type":"event"}\n{"event_id":"9ec79c33-ec99-42ab-8353-589fcb2e04dc","logentry":{"message":"x %s","formatted":"x 1"},"message":"ignored"}\n',
    ),
    expected: summary({
      eventId: '9ec79c33ec9942ab8353589fcb2e04dc',
      itemTypes: ['event'],
      mainType: 'error',
      traceId: TRACE,
      release: 'dsc@1',
      environment: 'dsc-env',
      title: 'x 1',
    }),
  },
  {
    name: 'a check-in',
    bytes: bytesOf(
      '{}\n{"type":"check_in"}\n',
      `{"check_in_id":"83a7c1e2d4f5460a9b8c7d6e5f4a3b2c","monitor_slug":"nightly-backup","status":"error","release":"r1","environment":"prod","contexts":{"trace":{"trace_id":"${TRACE}"}}}`,
    ),
    expected: summary({
      itemTypes: ['check_in'],
      mainType: 'check_in',
      traceId: TRACE,
      release: 'r1',
      environment: 'prod',
      title: 'nightly-backup error',
    }),
  },
  {
    name: 'a log container (trace id from its first log)',
    bytes: bytesOf(
      '{"sdk":{"name":"sentry.javascript.node","version":"9.12.0"}}\n',
      '{"type":"log","item_count":2,"content_type":"application/vnd.sentry.items.log+json"}\n',
      `{"items":[{"timestamp":1746093604.5,"trace_id":"${TRACE}","level":"info","body":"a"},{"trace_id":"ffffffffffffffffffffffffffffffff"}]}\n`,
    ),
    expected: summary({
      itemTypes: ['log'],
      mainType: 'log',
      sdkName: 'sentry.javascript.node',
      sdkVersion: '9.12.0',
      traceId: TRACE,
    }),
  },
  {
    name: 'sessions only, with the SDK from the envelope header',
    bytes: bytesOf(
      '{"sdk":{"name":"sentry.python","version":"2.20.0"}}\n{"type":"session"}\n',
      '{"sid":"0c1f3b5e-8a2d-4c6e-9f1a-2b3c4d5e6f70","status":"ok","attrs":{"release":"app@2","environment":"prod"}}\n',
    ),
    expected: summary({
      itemTypes: ['session'],
      mainType: 'session',
      sdkName: 'sentry.python',
      sdkVersion: '2.20.0',
      release: 'app@2',
      environment: 'prod',
    }),
  },
  {
    name: 'a user feedback item',
    bytes: bytesOf(
      '{"event_id":"b1b2b3b4b5b6b7b8b9b0c1c2c3c4c5c6"}\n{"type":"feedback"}\n',
      '{"type":"feedback","platform":"javascript","level":"info","contexts":{"feedback":{"message":"Button is broken","contact_email":"a@example.com"}}}\n',
    ),
    expected: summary({
      eventId: 'b1b2b3b4b5b6b7b8b9b0c1c2c3c4c5c6',
      itemTypes: ['feedback'],
      mainType: 'feedback',
      platform: 'javascript',
      title: 'Button is broken',
      level: 'info',
    }),
  },
  {
    name: 'a transaction with its profile',
    bytes: bytesOf(
      '{}\n{"type":"profile"}\n{"platform":"python"}\n{"type":"transaction"}\n{"transaction":"/checkout","platform":"python"}\n',
    ),
    expected: summary({ itemTypes: ['profile', 'transaction'], mainType: 'transaction', platform: 'python', title: '/checkout' }),
  },
  {
    name: 'an attachment only',
    bytes: bytesOf('{}\n{"type":"attachment","length":3}\nabc\n{"type":"attachment","length":1}\nd\n'),
    expected: summary({ itemTypes: ['attachment'], mainType: 'attachment' }),
  },
  {
    name: 'only an unknown item type',
    bytes: bytesOf('{}\n{"type":"some_future_type"}\n{"title":"x"}\n'),
    expected: summary({ itemTypes: ['some_future_type'], mainType: 'some_future_type' }),
  },
  {
    name: 'a header-only envelope',
    bytes: bytesOf('{"event_id":"not-an-id"}'),
    expected: summary({ itemTypes: [], mainType: 'empty' }),
  },
  {
    name: 'an event whose payload is not JSON',
    bytes: bytesOf('{"sdk":"python","trace":[1]}\n{"type":"event"}\n{not json\n'),
    expected: summary({ itemTypes: ['event'], mainType: 'error' }),
  },
  {
    name: 'an event whose payload is an array',
    bytes: bytesOf('{}\n{"type":"event"}\n[{"message":"x"}]\n'),
    expected: summary({ itemTypes: ['event'], mainType: 'error' }),
  },
  {
    name: 'an event with every field of the wrong type',
    bytes: bytesOf(
      '{"event_id":42}\n{"type":"event"}\n',
      '{"event_id":[1],"platform":5,"sdk":"x","exception":{"values":"boom"},"message":{"formatted":7},"level":["error"],"contexts":{"trace":"t"},"release":true,"environment":{},"transaction":null}\n',
    ),
    expected: summary({ itemTypes: ['event'], mainType: 'error' }),
  },
];

describe('summarizeEnvelope', () => {
  it.each(ENVELOPE_CASES)('summarises $name', ({ bytes, expected }) => {
    expect(summarizeEnvelope(parseEnvelope(bytes))).toEqual(expected);
  });

  it('summarises a hand-built envelope with odd item headers without throwing', () => {
    const env = {
      header: { event_id: 'c0ffee00c0ffee00c0ffee00c0ffee00' },
      items: [{ header: { type: 7 }, payload: new Uint8Array(0) }, { header: {}, payload: bytesOf('{}') }],
    } as unknown as Envelope;
    expect(summarizeEnvelope(env)).toEqual(
      summary({ eventId: 'c0ffee00c0ffee00c0ffee00c0ffee00', itemTypes: [], mainType: 'unknown' }),
    );
  });
});

const STORE_CASES: Array<{ name: string; event: JsonObject; expected: EnvelopeSummary }> = [
  {
    name: 'a legacy sentry.interfaces.Exception event',
    event: {
      event_id: 'fc6d8c0c43fc4630ad850ee518f1b9d0',
      platform: 'python',
      level: 'error',
      'sentry.interfaces.Exception': { values: [{ type: 'KeyError', value: "'x'" }] },
      sdk: { name: 'raven-python', version: '6.10.0' },
    },
    expected: summary({
      eventId: 'fc6d8c0c43fc4630ad850ee518f1b9d0',
      itemTypes: ['event'],
      mainType: 'error',
      platform: 'python',
      sdkName: 'raven-python',
      sdkVersion: '6.10.0',
      title: "KeyError: 'x'",
      level: 'error',
    }),
  },
  {
    name: 'a bare exception list (last entry wins)',
    event: { exception: [{ type: 'IOError', value: 'disk' }, { type: 'RuntimeError', value: 'wrapped' }] },
    expected: summary({ itemTypes: ['event'], mainType: 'error', title: 'RuntimeError: wrapped' }),
  },
  {
    name: 'a single legacy exception object with a type only',
    event: { 'sentry.interfaces.Exception': { type: 'ZeroDivisionError' } },
    expected: summary({ itemTypes: ['event'], mainType: 'error', title: 'ZeroDivisionError' }),
  },
  {
    name: 'a legacy sentry.interfaces.Message event',
    event: { 'sentry.interfaces.Message': { message: 'User %s failed', params: ['a'] }, level: 'warning' },
    expected: summary({ itemTypes: ['event'], mainType: 'error', title: 'User %s failed', level: 'warning' }),
  },
  {
    name: 'a logentry with a message only',
    event: { logentry: { message: 'plain' }, message: 'ignored' },
    expected: summary({ itemTypes: ['event'], mainType: 'error', title: 'plain' }),
  },
  {
    name: 'a transaction sent to the store endpoint',
    event: { type: 'transaction', transaction: '/api/orders', contexts: { trace: { trace_id: TRACE } } },
    expected: summary({ itemTypes: ['transaction'], mainType: 'transaction', traceId: TRACE, title: '/api/orders' }),
  },
  {
    name: 'a CSP report event',
    event: { type: 'csp', message: 'Blocked script' },
    expected: summary({ itemTypes: ['security'], mainType: 'security', title: 'Blocked script' }),
  },
  {
    name: 'an empty event',
    event: {},
    expected: summary({ itemTypes: ['event'], mainType: 'error' }),
  },
  {
    name: 'a non-object event',
    event: ['x'] as unknown as JsonObject,
    expected: summary({ itemTypes: ['event'], mainType: 'error' }),
  },
];

describe('summarizeStoreEvent', () => {
  it.each(STORE_CASES)('summarises $name', ({ event, expected }) => {
    expect(summarizeStoreEvent(event)).toEqual(expected);
  });
});

describe('title length', () => {
  it('cuts a very long message to 512 characters with an ellipsis, leaving the payload alone', () => {
    const message = 'x'.repeat(900_000);
    const summary = summarizeStoreEvent({ message, platform: 'python' });
    expect(summary.title!.length).toBe(512);
    expect(summary.title!.endsWith('…')).toBe(true);
    expect(summarizeStoreEvent({ message: 'short' }).title).toBe('short');
  });
});

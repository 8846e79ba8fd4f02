// Real Python clients against a running `undertaker serve`: sentry-sdk 2.x (tests/sdk/python), 1.x
// (python1), 0.14 (python014, the store-endpoint era) and the legacy raven (raven). See
// tests/helpers/sdk-suite.ts for what is asserted.
import { describeSdkCapture } from '../../helpers/sdk-suite.ts';

const ENVELOPE = 'application/x-sentry-envelope';
const wire = (version: string, contentType: { envelope?: string; store?: string }) =>
  ({ authCarrier: 'x-sentry-auth', contentType, contentEncoding: 'gzip', chunked: false, userAgent: `sentry.python/${version}` }) as const;
const common = { sdkName: 'sentry.python', platform: 'python', errorTitle: 'ValueError: harness boom', headerEventIds: 'hex' } as const;

describeSdkCapture('python', {
  ...common,
  project: 41,
  itemTypes: ['event', 'attachment', 'transaction', 'profile', 'session', 'sessions', 'check_in', 'log', 'trace_metric', 'feedback'],
  // gzip: the scenario's default (UNDERTAKER_PY_COMPRESSION); the SDK picks br only when brotli imports.
  wire: wire('2.75.0', { envelope: ENVELOPE }),
  notSent: { span: 'streamed spans are experimental in 2.x (trace_lifecycle="stream"); the scenario sends transactions' },
});

describeSdkCapture('python1', {
  ...common,
  project: 42,
  itemTypes: ['event', 'attachment', 'transaction', 'profile', 'session', 'sessions', 'check_in', 'statsd', 'metric_meta'],
  // With tracing on, 1.x sends errors as envelopes; a second client without tracing uses /store/.
  wire: wire('1.45.1', { envelope: ENVELOPE, store: 'application/json' }),
  notSent: { log: 'no logs API before 2.x', feedback: 'sentry-python has no feedback API' },
  extraEvents: [{ resultKey: 'store_error_event_id', endpoint: 'store', title: 'ValueError: harness boom' }],
});

describeSdkCapture('python014', {
  ...common,
  project: 43,
  itemTypes: ['event', 'transaction'],
  wire: wire('0.14.2', { store: 'application/json' }),
  notSent: {
    session: '0.14.2 has no sessions (they arrived later in 0.14.x, with the first envelopes)',
    sessions: '0.14.2 has no envelopes, so no request aggregates',
    attachment: '0.14.2 has no envelopes, so no attachments',
    check_in: '0.14.2 has no crons API',
    log: 'no logs API before 2.x',
    metric: '0.14.2 has no metrics API',
    feedback: 'sentry-python has no feedback API',
    profile: '0.14.2 has no profiler',
  },
});

describeSdkCapture('raven', {
  ...common,
  sdkName: 'raven-python',
  project: 44,
  itemTypes: ['event'],
  wire: { authCarrier: 'x-sentry-auth', contentType: { store: 'application/octet-stream' }, contentEncoding: 'deflate', chunked: false, userAgent: 'raven-python/6.10.0' },
  notSent: {
    transaction: 'raven predates tracing',
    session: 'raven predates release health',
    sessions: 'raven predates release health',
    attachment: 'raven has no attachments',
    check_in: 'raven has no crons',
    log: 'raven has no logs API',
    metric: 'raven has no metrics',
    feedback: 'raven has no feedback API',
    profile: 'raven has no profiler',
  },
  extraEvents: [{ resultKey: 'message_event_id', endpoint: 'store', title: 'harness message' }],
});

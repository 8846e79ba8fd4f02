// Real @sentry/node, current (tests/sdk/node) and 7.x (tests/sdk/node7), against a running
// `undertaker serve`: see tests/helpers/sdk-suite.ts.
import { describeSdkCapture } from '../../helpers/sdk-suite.ts';

const wire = (version: string) =>
  ({ authCarrier: 'query', contentType: { envelope: null }, contentEncoding: null, chunked: true, userAgent: version }) as const;

describeSdkCapture('node', {
  project: 45,
  sdkName: 'sentry.javascript.node',
  platform: 'node',
  errorTitle: 'Error: harness boom',
  itemTypes: ['event', 'attachment', 'transaction', 'session', 'sessions', 'check_in', 'log', 'trace_metric', 'feedback'],
  // Bodies under 32 KiB are not compressed; the body is streamed, so it arrives chunked.
  wire: wire('sentry.javascript.node/11.12.0'),
  headerEventIds: 'hex',
  notSent: {
    span: 'v11 streams span items by default; the scenario sets traceLifecycle "static" to get transactions',
    profile: '@sentry/profiling-node (native add-on) is left out: its newest release, 11.1.0, pins @sentry/node 11.1.0',
  },
});

describeSdkCapture('node7', {
  project: 46,
  sdkName: 'sentry.javascript.node',
  platform: 'node',
  errorTitle: 'Error: harness boom',
  itemTypes: ['event', 'attachment', 'transaction', 'session', 'sessions', 'check_in', 'statsd'],
  wire: { ...wire('sentry.javascript.node/7.120.4'), userAgent: null },
  headerEventIds: 'hex',
  notSent: {
    log: '7.x has no logs API',
    feedback: '7.x has no feedback API in Node (captureUserFeedback is browser-only)',
    profile: 'needs @sentry/profiling-node 1.x (native add-on), which the harness leaves out',
  },
});

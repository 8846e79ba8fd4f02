// Real Rust `sentry` crate (tests/sdk/rust, ureq transport without TLS) against a running
// `undertaker serve`: see tests/helpers/sdk-suite.ts. Rust writes dashed UUIDs in envelope headers.
import { describeSdkCapture } from '../../helpers/sdk-suite.ts';

describeSdkCapture('rust', {
  project: 49,
  sdkName: 'sentry.rust',
  platform: 'native',
  errorTitle: 'panic: harness boom',
  // The caught panic ends the application session as crashed; its one update rides with the panic event.
  itemTypes: ['event', 'attachment', 'session', 'transaction', 'check_in', 'log', 'trace_metric'],
  wire: { authCarrier: 'x-sentry-auth', contentType: { envelope: null }, contentEncoding: null, chunked: false, userAgent: 'ureq/3.5.2' },
  headerEventIds: 'uuid',
  notSent: {
    sessions: 'SessionMode::Request replaces the application session in a client; the scenario keeps the application session',
    feedback: 'the crate has no feedback API',
    profile: 'profiling was removed in sentry 0.31.6',
  },
});

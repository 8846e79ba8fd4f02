// Real io.sentry:sentry on plain Java 17 (tests/sdk/java) against a running `undertaker serve`:
// see tests/helpers/sdk-suite.ts.
import { describeSdkCapture } from '../../helpers/sdk-suite.ts';

describeSdkCapture('java', {
  project: 48,
  sdkName: 'sentry.java',
  platform: 'java',
  errorTitle: 'IllegalStateException: harness boom',
  itemTypes: ['event', 'attachment', 'session', 'transaction', 'check_in', 'log', 'trace_metric', 'feedback'],
  wire: { authCarrier: 'x-sentry-auth', contentType: { envelope: 'application/x-sentry-envelope' }, contentEncoding: 'gzip', chunked: false, userAgent: 'sentry.java/8.64.0' },
  headerEventIds: 'hex',
  notSent: {
    sessions: 'request-mode session aggregates are not part of the plain JVM SDK',
    profile: 'needs the separate native module io.sentry:sentry-async-profiler, which the harness leaves out',
  },
});

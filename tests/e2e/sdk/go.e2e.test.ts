// Real sentry-go (tests/sdk/go) against a running `undertaker serve`: see tests/helpers/sdk-suite.ts.
import { describeSdkCapture } from '../../helpers/sdk-suite.ts';

describeSdkCapture('go', {
  project: 47,
  sdkName: 'sentry.go',
  platform: 'go',
  errorTitle: '*errors.errorString: harness boom',
  itemTypes: ['event', 'attachment', 'transaction', 'check_in', 'log', 'trace_metric'],
  wire: { authCarrier: 'x-sentry-auth', contentType: { envelope: 'application/x-sentry-envelope' }, contentEncoding: null, chunked: false, userAgent: 'sentry.go/0.46.2' },
  headerEventIds: 'hex',
  notSent: {
    session: 'sentry-go has no release-health sessions',
    sessions: 'sentry-go has no release-health sessions',
    feedback: 'sentry-go has no feedback API',
    profile: 'profiling was removed in sentry-go 0.31.0',
  },
});

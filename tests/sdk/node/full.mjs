// The `full` scenario of scenario.mjs: every kind of data @sentry/node 11 sends without native
// add-ons. Error with an attachment, a transaction with two child spans and an error inside it, the
// process session, request aggregates from a real http server, a cron check-in pair, logs, a metric
// and user feedback. Profiles need @sentry/profiling-node, whose newest release pins another
// @sentry/node (see docs/sdks.md).

import { createServer } from 'node:http';
import * as Sentry from '@sentry/node';

const SLUG = 'harness-job';

/** Only the `job` transaction is sampled: the http server's own request spans would be noise. */
export function sampleTraces({ name }) {
  return name === 'job' ? 1 : 0;
}

function checkIns() {
  const monitorConfig = { schedule: { type: 'crontab', value: '* * * * *' } };
  const id = Sentry.captureCheckIn({ monitorSlug: SLUG, status: 'in_progress' }, monitorConfig);
  Sentry.captureCheckIn({ checkInId: id, monitorSlug: SLUG, status: 'ok', duration: 1.5 });
  return id;
}

/** Two requests to a real server: httpIntegration counts them into one `sessions` aggregate. */
async function requestAggregates() {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  try {
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      await response.text();
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

export async function runFull(result, { captureError, runTransaction }) {
  Sentry.withScope((scope) => {
    scope.addAttachment({ filename: 'harness.txt', data: 'harness attachment\n', contentType: 'text/plain' });
    result.error_event_id = captureError('error');
  });
  const transaction = {};
  runTransaction(transaction);
  result.transaction_error_event_id = transaction.error_event_id;
  // v11 drops the process session once request sessions start: end it first so it is sent.
  Sentry.endSession();
  await requestAggregates();
  result.check_in_id = checkIns();
  result.monitor_slug = SLUG;
  Sentry.logger.info('harness log', { 'user.id': '42' });
  Sentry.metrics.count('harness.jobs', 1);
  result.feedback_event_id = Sentry.captureFeedback({
    message: 'harness feedback',
    name: 'Harness',
    email: 'harness@example.invalid',
    associatedEventId: result.error_event_id,
  });
}

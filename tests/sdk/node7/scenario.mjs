// Drive the real @sentry/node 7.x SDK (7.120.4) against an Undertaker DSN.
//
// Usage: UNDERTAKER_DSN=http://<key>@127.0.0.1:<port>/<id> node scenario.mjs full
// Prints exactly one JSON line on stdout with the ids it produced; SDK output goes to stderr.
// Sends: an error (stack trace, breadcrumb, user, tag, attachment), a transaction (7.x
// startTransaction API) with two child spans and an error inside it, the application session,
// request aggregates through Sentry.Handlers.requestHandler on a real server, a cron check-in pair
// and a metric in the 7.x `statsd` format. 7.x has no logs and no Node feedback API.

import { createServer } from 'node:http';
import * as Sentry from '@sentry/node';

const SLUG = 'harness-job';

// Same hygiene as tests/sdk/node/scenario.mjs: no proxies, no SENTRY_* overrides.
for (const name of Object.keys(process.env)) {
  if (/^(https?_proxy|no_proxy|all_proxy)$/i.test(name) || name.startsWith('SENTRY_')) delete process.env[name];
}
const dsn = process.env.UNDERTAKER_DSN;
if (process.argv[2] !== 'full' || process.argv.length !== 3 || !dsn) {
  console.error('usage: UNDERTAKER_DSN=... node scenario.mjs full');
  process.exit(2);
}

const recorded = {};
Sentry.init({
  dsn,
  debug: process.env.UNDERTAKER_SDK_DEBUG === '1',
  release: 'harness@1.0.0',
  environment: 'test',
  // Only `job`: requestHandler would otherwise add a transaction per request.
  tracesSampler: ({ transactionContext }) => (transactionContext.name === 'job' ? 1 : 0),
  attachStacktrace: true,
  autoSessionTracking: true,
  _experiments: { metricsAggregator: true },
  beforeSendTransaction(event) {
    if (event.transaction === 'job') {
      recorded.transaction_event_id = event.event_id;
      recorded.trace_id = event.contexts?.trace?.trace_id;
    }
    return event;
  },
});

function fail(message) {
  throw new Error(message);
}

function captureError(tag, attach = false) {
  Sentry.addBreadcrumb({ category: 'auth', message: 'user logged in', level: 'info' });
  Sentry.setUser({ id: '42', email: 'harness@example.invalid' });
  Sentry.setTag('harness.scenario', tag);
  let id;
  Sentry.withScope((scope) => {
    if (attach) scope.addAttachment({ filename: 'harness.txt', data: 'harness attachment\n', contentType: 'text/plain' });
    try {
      fail('harness boom');
    } catch (err) {
      id = Sentry.captureException(err);
    }
  });
  return id;
}

function runTransaction(result) {
  const tx = Sentry.startTransaction({ op: 'task', name: 'job' });
  Sentry.getCurrentHub().getScope().setSpan(tx);
  tx.startChild({ op: 'db.query', description: 'SELECT 1' }).finish();
  const child = tx.startChild({ op: 'http.client', description: 'GET /child' });
  Sentry.getCurrentHub().getScope().setSpan(child);
  result.transaction_error_event_id = captureError('transaction');
  child.finish();
  Sentry.getCurrentHub().getScope().setSpan(undefined);
  tx.finish();
}

/** requestHandler switches the client to request-mode sessions and counts each request. */
async function requestAggregates() {
  const handler = Sentry.Handlers.requestHandler();
  const server = createServer((req, res) => handler(req, res, () => res.end('ok')));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    for (let i = 0; i < 2; i++) await (await fetch(`http://127.0.0.1:${server.address().port}/`)).text();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

function checkIns() {
  const monitorConfig = { schedule: { type: 'crontab', value: '* * * * *' } };
  const id = Sentry.captureCheckIn({ monitorSlug: SLUG, status: 'in_progress' }, monitorConfig);
  Sentry.captureCheckIn({ checkInId: id, monitorSlug: SLUG, status: 'ok', duration: 1.5 });
  return id;
}

const result = { sdk: 'sentry.javascript.node', version: Sentry.SDK_VERSION };
result.error_event_id = captureError('error', true);
runTransaction(result);
// The application session would end on beforeExit, after the result line: end it now.
Sentry.endSession();
await requestAggregates();
result.check_in_id = checkIns();
result.monitor_slug = SLUG;
Sentry.metrics.increment('harness.jobs', 1);

// 7.x flushes request-session aggregates only on close, not on flush.
if (!(await Sentry.close(10000))) {
  console.error('Sentry.close(10000) timed out');
  process.exit(1);
}
if (!recorded.transaction_event_id) {
  console.error('beforeSendTransaction never saw the transaction');
  process.exit(1);
}
Object.assign(result, recorded);
process.stdout.write(`${JSON.stringify(result)}\n`);

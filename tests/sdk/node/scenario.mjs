// Drive the real @sentry/node SDK against an Undertaker DSN.
//
// Usage: UNDERTAKER_DSN=http://<key>@127.0.0.1:<port>/<id> node scenario.mjs <error|transaction|all|full>
// (`full` sends every kind the SDK supports, see full.mjs.)
//
// Prints exactly one JSON line on stdout describing what was sent, e.g.
// {"sdk":"sentry.javascript.node","version":"11.12.0","error_event_id":"...",...}
// Everything else (SDK debug output, diagnostics) goes to stderr.
// Run with `node`, not `bun`: @sentry/bun is a different SDK.
//
// Env:
//   UNDERTAKER_DSN        required
//   UNDERTAKER_SDK_DEBUG  "1" turns on SDK debug logging (stderr)

import * as Sentry from '@sentry/node';
import { runFull, sampleTraces } from './full.mjs';

const SCENARIOS = ['error', 'transaction', 'all', 'full'];

// The Node transport reads lower-case proxy variables when it is created (in init): a stray
// http_proxy would send loopback traffic to the proxy. SENTRY_* variables (SENTRY_TRACE,
// SENTRY_SPOTLIGHT, SENTRY_TRACE_LIFECYCLE, ...) would change what is sent. Drop them all.
for (const name of Object.keys(process.env)) {
  if (/^(https?_proxy|no_proxy|all_proxy)$/i.test(name) || name.startsWith('SENTRY_')) {
    delete process.env[name];
  }
}

const scenario = process.argv[2];
if (process.argv.length !== 3 || !SCENARIOS.includes(scenario)) {
  console.error(`usage: node scenario.mjs <${SCENARIOS.join('|')}>`);
  process.exit(2);
}
const dsn = process.env.UNDERTAKER_DSN;
if (!dsn) {
  console.error('UNDERTAKER_DSN is not set');
  process.exit(2);
}

// Filled by beforeSendTransaction: the API does not return transaction ids.
const recorded = {};

Sentry.init({
  dsn,
  debug: process.env.UNDERTAKER_SDK_DEBUG === '1',
  release: 'harness@1.0.0',
  environment: 'test',
  tracesSampleRate: 1.0,
  attachStacktrace: true,
  // v11 streams `span` items by default; 'static' sends one `transaction` event per root span.
  traceLifecycle: 'static',
  ...(scenario === 'full' ? { tracesSampler: sampleTraces } : {}),
  beforeSendTransaction(event) {
    if (event.transaction !== 'job') return event;
    recorded.transaction_event_id = event.event_id;
    recorded.trace_id = event.contexts?.trace?.trace_id;
    return event;
  },
});

function fail(message) {
  throw new Error(message);
}

function captureError(tagValue) {
  Sentry.addBreadcrumb({ category: 'auth', message: 'user logged in', level: 'info' });
  Sentry.setUser({ id: '42', email: 'harness@example.invalid' });
  Sentry.setTag('harness.scenario', tagValue);
  try {
    fail('harness boom');
  } catch (err) {
    return Sentry.captureException(err);
  }
  throw new Error('unreachable');
}

function runError(result) {
  result.error_event_id = captureError('error');
}

function runTransaction(result) {
  Sentry.startSpan({ name: 'job', op: 'task' }, () => {
    Sentry.startSpan({ name: 'SELECT 1', op: 'db.query' }, () => {});
    Sentry.startSpan({ name: 'GET /child', op: 'http.client' }, () => {
      // Captured while the transaction is active: shares its trace id.
      result.error_event_id = captureError('transaction');
    });
  });
}

const result = { sdk: 'sentry.javascript.node', version: Sentry.SDK_VERSION };
if (scenario === 'full') {
  await runFull(result, { captureError, runTransaction });
} else if (scenario === 'error') {
  runError(result);
} else if (scenario === 'transaction') {
  runTransaction(result);
} else {
  runError(result);
  const transactionResult = {};
  runTransaction(transactionResult);
  result.transaction_error_event_id = transactionResult.error_event_id;
}

// The process session (processSessionIntegration) would otherwise be ended and sent on
// `beforeExit`, i.e. after this script printed its result. End it now so it goes out with flush.
Sentry.endSession();
const flushed = await Sentry.flush(10000);
if (!flushed) {
  console.error('Sentry.flush(10000) timed out');
  process.exitCode = 1;
}

if (scenario !== 'error') {
  if (!recorded.transaction_event_id) {
    console.error('beforeSendTransaction was never called');
    process.exit(1);
  }
  Object.assign(result, recorded);
}

process.stdout.write(`${JSON.stringify(result)}\n`);

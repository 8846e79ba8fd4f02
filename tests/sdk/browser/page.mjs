// The browser SDK harness page: the real @sentry/browser, bundled for Chromium by tests/e2e/browser.e2e.test.ts.
// Each window.harness.<scenario>(config) runs Sentry.init once (one scenario per fresh page) and resolves with the
// ids the SDK reported, after flushing. window.harness.sent lists what the SDK's transport got back per envelope.
import * as Sentry from '@sentry/browser';

const RELEASE = 'harness@1.0.0';
const sent = [];
const seenTransactions = [];

/** Wraps the SDK's own transport to note each envelope's item types and the HTTP status the SDK could read. */
function observe(makeTransport) {
  return (options) => {
    const inner = makeTransport(options);
    const send = (envelope) => {
      const types = envelope[1].map((item) => item[0].type);
      return inner.send(envelope).then(
        (response) => {
          sent.push({ types, status: response.statusCode ?? null });
          return response;
        },
        (error) => {
          sent.push({ types, error: String(error) });
          throw error;
        },
      );
    };
    return { send, flush: (timeout) => inner.flush(timeout) };
  };
}

/**
 * @sentry/browser 11 has no sendBeacon code path (its fetch transport sets `keepalive` instead). This transport hands
 * the body the SDK serialised (a string, or bytes for binary items) to navigator.sendBeacon, as an app would.
 * A beacon's response is never visible to the page, so there is no status code.
 */
function beaconTransport(options) {
  return Sentry.createTransport(options, async (request) => {
    if (!navigator.sendBeacon(options.url, request.body)) throw new Error('navigator.sendBeacon refused to queue the envelope');
    return {};
  });
}

function start(config, extra = {}) {
  Sentry.init({
    dsn: config.dsn,
    tunnel: config.tunnel,
    debug: true,
    release: RELEASE,
    environment: 'test',
    transport: observe(config.beacon ? beaconTransport : Sentry.makeFetchTransport),
    ...extra,
  });
}

/** Resolves once `predicate()` is true, polling every 20 ms; rejects after `ms`. */
async function waitFor(what, predicate, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function countSent(type) {
  return sent.filter((entry) => entry.types.includes(type)).length;
}

function failingHandler(message) {
  throw new Error(message);
}

function captureBoom(message) {
  try {
    failingHandler(message);
  } catch (error) {
    return Sentry.captureException(error);
  }
}

/** Spends CPU for `ms` so the JS Self-Profiling API (10 ms interval) records samples. */
function busy(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

/**
 * An error with breadcrumbs, user and tags; a second one with an attachment (which makes the body binary);
 * then a log, a metric and feedback about the first error.
 */
async function error(config) {
  start(config);
  Sentry.addBreadcrumb({ category: 'auth', message: 'login', level: 'info' });
  Sentry.setUser({ id: '42', email: 'harness@example.com' });
  Sentry.setTag('scenario', 'error');
  const eventId = captureBoom('harness boom');
  const lastEventId = Sentry.lastEventId();
  const attachmentEventId = Sentry.withScope((scope) => {
    scope.addAttachment({ filename: 'a.txt', data: 'hello attachment', contentType: 'text/plain' });
    return captureBoom('boom with attachment');
  });
  Sentry.logger.info('harness log', { scenario: 'error' });
  Sentry.metrics.count('harness.jobs', 1);
  const feedbackId = Sentry.captureFeedback({ message: 'it broke', name: 'Harness', email: 'harness@example.com', associatedEventId: eventId });
  Sentry.captureSession();
  await Sentry.flush(5000);
  return { eventId, lastEventId, attachmentEventId, feedbackId, sent };
}

/** Static lifecycle: the pageload transaction, then a `job` transaction with a child span, an error and a profile. */
async function tracing(config) {
  start(config, {
    tracesSampleRate: 1,
    traceLifecycle: 'static',
    beforeSendTransaction(event) {
      seenTransactions.push({ event_id: event.event_id, name: event.transaction, op: event.contexts?.trace?.op });
      return event;
    },
    profileSessionSampleRate: 1,
    profileLifecycle: 'trace',
    integrations: [Sentry.browserTracingIntegration({ idleTimeout: 300 }), Sentry.browserProfilingIntegration()],
  });
  // The pageload span ends after 300 ms without activity; start the job after it, as its own transaction.
  await waitFor('the pageload transaction', () => seenTransactions.some((t) => t.op === 'pageload'));
  const result = await Sentry.startSpan({ name: 'job', op: 'task' }, async (span) => {
    Sentry.startSpan({ name: 'SELECT 1', op: 'db.query' }, () => busy(150));
    return { traceId: span.spanContext().traceId, errorEventId: captureBoom('boom inside job') };
  });
  // The pageload sent the first chunk; the job's chunk is collected asynchronously after the job ends.
  await waitFor("the job's profile_chunk envelope", () => countSent('profile_chunk') >= 2);
  await Sentry.flush(5000);
  return { ...result, transactions: seenTransactions, sent };
}

/** The v11 default lifecycle: spans are streamed as `span` items (span v2), batched until flush. */
async function streamed(config) {
  start(config, { tracesSampleRate: 1 });
  const traceId = Sentry.startSpan({ name: 'streamed job', op: 'task' }, (span) => {
    Sentry.startSpan({ name: 'SELECT 2', op: 'db.query' }, () => busy(5));
    return span.spanContext().traceId;
  });
  await Sentry.flush(5000);
  return { traceId, sent };
}

/** Session replay with the default compression (a Web Worker zlib-deflates the rrweb events). */
async function replay(config) {
  start(config, {
    replaysSessionSampleRate: 1,
    integrations: [Sentry.replayIntegration({ minReplayDuration: 0, maskAllText: false, blockAllMedia: false })],
  });
  const integration = Sentry.getReplay();
  // Until the worker has loaded, segments go out uncompressed; wait so the first one is compressed.
  await waitFor('the compression worker', () => integration._replay?.eventBuffer?.type === 'worker', 5000);
  const button = document.createElement('button');
  button.textContent = 'Replay me';
  document.body.append(button);
  button.click();
  await integration.flush();
  await Sentry.flush(5000);
  return { replayId: integration.getReplayId(), sent };
}

/** `tunnel`: the SDK posts to that URL with no query auth; the envelope header carries the DSN. */
async function tunnel(config) {
  start(config);
  const eventId = captureBoom('tunnelled boom');
  await Sentry.flush(5000);
  return { eventId, sent };
}

/** The SDK's envelopes delivered by navigator.sendBeacon. */
async function beacon(config) {
  start({ ...config, beacon: true });
  const eventId = captureBoom('beacon boom');
  Sentry.logger.info('beacon log', { scenario: 'beacon' });
  await Sentry.flush(5000);
  return { eventId, sent };
}

/**
 * Buffers a log and drops an event in beforeSend (a client-report outcome), then returns: the test closes the page,
 * and the SDK's visibilitychange flush must deliver both with `keepalive` fetches that outlive the page.
 */
async function pageHide(config) {
  start(config, { beforeSend: (event) => (event.message === 'dropped on purpose' ? null : event) });
  Sentry.captureMessage('dropped on purpose');
  Sentry.logger.info('logged before page hide', { scenario: 'page-hide' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { sent };
}

window.Sentry = Sentry;
window.harness = { error, tracing, streamed, replay, tunnel, beacon, pageHide, sent };

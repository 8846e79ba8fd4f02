// Real @sentry/browser in Debian's headless Chromium against a running `undertaker serve` on another origin than
// the page, so every request is cross-origin and the SDK only reads a 200 when Undertaker's CORS headers are right.
// UNDERTAKER_REFRESH_FIXTURES=1 also rewrites tests/fixtures/sdk/browser@<version>/ from what was stored.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { inflateSync } from 'node:zlib';
import { parseEnvelope, parseJsonPayload } from '../../src/envelope/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { type BrowserHarness, browserInstallProblem, type HarnessPage, sdkBrowserVersion, startBrowserHarness } from '../helpers/browser.ts';
import { type CapturedEnvelope, REFRESH_FIXTURES, writeFixtures } from '../helpers/browser-fixtures.ts';
import { runUndertaker, type ServerHandle, startServer, stopAll, TEST_KEY } from '../helpers/spawn.ts';

const VERSION = '11.12.0';
const SDK = { platform: 'javascript', sdk: 'sentry.javascript.browser', sdk_version: VERSION };
const TEXT_PLAIN = 'text/plain;charset=UTF-8';
const PROJECT = { error: 21, tracing: 22, streamed: 23, replay: 24, tunnel: 25, beacon: 26, pageHide: 27 } as const;
type Scenario = keyof typeof PROJECT;
type Json = Record<string, any>;

interface Run {
  result: Json;
  page: HarnessPage;
  captured: CapturedEnvelope[];
  /** The row whose summary event id is `eventId`; fails the test when missing. */
  byEventId(eventId: string): CapturedEnvelope;
  ofType(type: string): CapturedEnvelope[];
}

const problem = browserInstallProblem();
if (problem && process.env.UNDERTAKER_REQUIRE_SDKS) throw new Error(`the browser SDK test is required but cannot run: ${problem}`);

describe.skipIf(problem !== null)('@sentry/browser in Chromium → undertaker serve (cross-origin)', () => {
  let server: ServerHandle;
  let harness: BrowserHarness;
  let store: Store;
  const all: CapturedEnvelope[] = [];
  let passed = 0;
  let scenarioTests = 0;
  /** A test whose captures may become fixtures: they are written only when every one of these passed. */
  const scenarioTest = (name: string, body: () => Promise<void>) => {
    scenarioTests++;
    it(name, async () => {
      await body();
      passed++;
    });
  };

  beforeAll(async () => {
    expect(sdkBrowserVersion()).toBe(VERSION);
    server = await startServer();
    harness = await startBrowserHarness();
    store = await openStore({ dialect: 'sqlite', path: server.db });
  });
  afterAll(async () => {
    if (REFRESH_FIXTURES && passed === scenarioTests) {
      const runtime = `Chromium ${harness.chromiumVersion}`;
      const dir = writeFixtures({ sdk: 'browser', package: '@sentry/browser', version: VERSION, runtime, refresh: 'UNDERTAKER_REFRESH_FIXTURES=1 npx bun test tests/e2e/browser.e2e.test.ts' }, all);
      console.log(`wrote ${all.length} browser fixtures to ${dir}`);
    } else if (REFRESH_FIXTURES) {
      console.error(`not refreshing the browser fixtures: ${scenarioTests - passed} test(s) failed`);
    }
    await store?.close();
    await harness?.stop();
    await stopAll();
  });

  /** Runs window.harness[scenario] in a fresh page, then waits until Undertaker holds every envelope `ready` needs. */
  async function run(scenario: Scenario, ready: (types: string[][]) => boolean, config: Json = {}, closeFirst = false): Promise<Run> {
    const page = await harness.openPage(server.url);
    const result = (await page.page.evaluate(([name, cfg]) => (window as any).harness[name](cfg), [scenario, { dsn: server.dsn(PROJECT[scenario]), ...config }] as const)) as Json;
    if (closeFirst) await page.page.close();
    const deadline = Date.now() + 10_000;
    let rows = await store.listEnvelopes({ projectId: PROJECT[scenario], order: 'asc', limit: 100 });
    while (!ready(rows.map((r) => r.itemTypes)) && Date.now() < deadline) {
      await Bun.sleep(100);
      rows = await store.listEnvelopes({ projectId: PROJECT[scenario], order: 'asc', limit: 100 });
    }
    const captured: CapturedEnvelope[] = [];
    for (const row of rows) captured.push({ scenario, record: (await store.getEnvelope(row.id))!, items: await store.listItems(row.id) });
    all.push(...captured);
    await page.close();
    const context = `${scenario}: stored ${JSON.stringify(rows.map((r) => r.itemTypes))}; SDK saw ${JSON.stringify(result.sent)}\n${page.console.join('\n')}`;
    if (!ready(rows.map((r) => r.itemTypes))) throw new Error(`timed out waiting for the envelopes of ${context}`);
    return {
      result,
      page,
      captured,
      byEventId: (eventId) => {
        const found = captured.find((c) => c.record.eventId === eventId);
        if (!found) throw new Error(`no stored envelope with event id ${eventId} in ${context}`);
        return found;
      },
      ofType: (type) => captured.filter((c) => c.record.itemTypes.includes(type)),
    };
  }

  const has = (...wanted: string[]) => (types: string[][]) => wanted.every((t) => types.some((item) => item.includes(t)));
  const payload = (c: CapturedEnvelope, i = 0): Json => parseJsonPayload(parseEnvelope(c.record.body).items[i]!)!;
  const header = (c: CapturedEnvelope): Json => parseEnvelope(c.record.body).header;
  const expectQueryAuth = (c: CapturedEnvelope) => {
    const query = new URLSearchParams(c.record.requestMeta.query);
    expect({ carrier: c.record.requestMeta.auth_carrier, key: query.get('sentry_key'), version: query.get('sentry_version'), client: query.get('sentry_client') }).toEqual({
      carrier: 'query', key: TEST_KEY, version: '7', client: `sentry.javascript.browser/${VERSION}`,
    });
  };

  scenarioTest('stores an error with stack trace, breadcrumbs, user and tags, sent cross-origin as text/plain with query auth', async () => {
    const r = await run('error', has('event', 'feedback', 'log', 'trace_metric', 'session'));
    expect(r.result.eventId).toMatch(/^[0-9a-f]{32}$/);
    expect(r.result.lastEventId).toBe(r.result.eventId);
    const error = r.byEventId(r.result.eventId);
    expect(error.record).toMatchObject({ projectId: PROJECT.error, publicKey: TEST_KEY, mainType: 'error', itemTypes: ['event'], platform: SDK.platform, sdkName: SDK.sdk, sdkVersion: VERSION, release: 'harness@1.0.0', environment: 'test', title: 'Error: harness boom' });
    expect(error.record.requestMeta['content-type']).toBe(TEXT_PLAIN);
    expect(error.record.requestMeta.origin).toBe(harness.pageUrl.replace(/\/$/, ''));
    expect(error.record.requestMeta.origin).not.toBe(server.url);
    expectQueryAuth(error);
    const event = payload(error);
    const exception = event.exception.values[0];
    expect({ type: exception.type, value: exception.value }).toEqual({ type: 'Error', value: 'harness boom' });
    const frames = exception.stacktrace.frames as Json[];
    expect(frames.some((f) => f.function === 'failingHandler' && f.filename === `${harness.pageUrl}page.js` && f.lineno > 0)).toBe(true);
    expect(event.breadcrumbs.some((b: Json) => b.category === 'auth' && b.message === 'login' && b.level === 'info')).toBe(true);
    expect(event.user).toMatchObject({ id: '42', email: 'harness@example.com' });
    expect(event.tags).toEqual({ scenario: 'error' });
    // The SDK read every response (status 200): a missing CORS header would have surfaced as a network error.
    expect((r.result.sent as Json[]).every((s) => s.status === 200)).toBe(true);
  });

  scenarioTest('stores the attachment, feedback, log, metric and session the page sent', async () => {
    const r = all.filter((c) => c.scenario === 'error');
    const find = (type: string) => r.filter((c) => c.record.itemTypes.includes(type));
    const withAttachment = find('attachment')[0]!;
    // Any binary item makes the SDK serialise to bytes, and fetch sends bytes with no Content-Type.
    expect(withAttachment.record.itemTypes).toEqual(['event', 'attachment']);
    expect(withAttachment.record.requestMeta['content-type']).toBeUndefined();
    expect(withAttachment.items[1]).toMatchObject({ type: 'attachment', filename: 'a.txt', contentType: 'text/plain', length: 16 });
    expect(new TextDecoder().decode(parseEnvelope(withAttachment.record.body).items[1]!.payload)).toBe('hello attachment');
    const feedback = find('feedback')[0]!;
    expect(feedback.record.mainType).toBe('feedback');
    expect(payload(feedback).contexts.feedback).toMatchObject({ message: 'it broke', name: 'Harness', contact_email: 'harness@example.com' });
    const errorId = r.find((c) => c.record.title === 'Error: harness boom')!.record.eventId;
    expect(payload(feedback).contexts.feedback.associated_event_id).toBe(errorId);
    expect(payload(find('log')[0]!).items[0]).toMatchObject({ body: 'harness log', level: 'info' });
    expect(find('log')[0]!.items[0]!.contentType).toBe('application/vnd.sentry.items.log+json');
    expect(payload(find('trace_metric')[0]!).items[0]).toMatchObject({ name: 'harness.jobs', type: 'counter', value: 1 });
    expect(payload(find('session')[0]!).attrs).toMatchObject({ release: 'harness@1.0.0', environment: 'test' });
  });

  scenarioTest('stores the static pageload and job transactions, the error inside the job and the profile under one trace', async () => {
    const r = await run('tracing', (types) => has('event')(types) && types.filter((t) => t.includes('transaction')).length >= 2 && types.filter((t) => t.includes('profile_chunk')).length >= 2);
    const job = (r.result.transactions as Json[]).find((t) => t.name === 'job')!;
    const tx = r.byEventId(job.event_id);
    expect(tx.record).toMatchObject({ mainType: 'transaction', itemTypes: ['transaction'], title: 'job', traceId: r.result.traceId, ...{ platform: SDK.platform, sdkName: SDK.sdk, sdkVersion: VERSION } });
    expect((payload(tx).spans as Json[]).map((s) => [s.op, s.description, s.trace_id])).toEqual([['db.query', 'SELECT 1', r.result.traceId]]);
    expect(r.byEventId(r.result.errorEventId).record).toMatchObject({ mainType: 'error', traceId: r.result.traceId, title: 'Error: boom inside job' });
    const pageload = (r.result.transactions as Json[]).find((t) => t.op === 'pageload')!;
    expect(r.byEventId(pageload.event_id).record).toMatchObject({ mainType: 'transaction', traceId: r.result.traceId });
    const chunks = r.ofType('profile_chunk').map((c) => payload(c));
    expect(chunks.every((c) => c.platform === 'javascript' && c.profiler_id === payload(tx).contexts.profile.profiler_id && c.profile.samples.length > 0)).toBe(true);
  });

  scenarioTest('stores streamed spans (the v11 default lifecycle) as one span v2 item', async () => {
    const r = await run('streamed', has('span'));
    const spans = r.ofType('span')[0]!;
    expect(spans.record).toMatchObject({ mainType: 'span', traceId: r.result.traceId, sdkName: SDK.sdk });
    expect(spans.items[0]!.contentType).toBe('application/vnd.sentry.items.span.v2+json');
    expect((payload(spans).items as Json[]).map((s) => s.name).sort()).toEqual(['SELECT 2', 'streamed job']);
  });

  scenarioTest('stores a compressed session replay byte for byte as the browser sent it, also through `events show --raw`', async () => {
    const r = await run('replay', has('replay_event', 'replay_recording'));
    const replay = r.byEventId(r.result.replayId);
    expect(replay.record).toMatchObject({ mainType: 'replay', itemTypes: ['replay_event', 'replay_recording'] });
    expect(replay.record.requestMeta['content-type']).toBeUndefined();
    expectQueryAuth(replay);
    const recording = parseEnvelope(replay.record.body).items[1]!.payload;
    const headerLine = new TextEncoder().encode('{"segment_id":0}\n');
    expect(recording.subarray(0, headerLine.length)).toEqual(headerLine);
    expect(recording[headerLine.length]).toBe(0x78);
    const events = JSON.parse(inflateSync(recording.subarray(headerLine.length)).toString('utf8')) as Json[];
    expect(events.find((e) => e.type === 4)?.data.href).toBe(harness.pageUrl);
    const sent = r.page.requests.filter((q) => q.url.includes(`/api/${PROJECT.replay}/envelope/`) && Buffer.from(q.body).includes(r.result.replayId));
    expect(sent.length).toBe(1);
    expect(sent[0]!.headers['content-type']).toBeUndefined();
    expect(Buffer.from(replay.record.body).equals(Buffer.from(sent[0]!.body))).toBe(true);
    const raw = await runUndertaker(['events', 'show', String(replay.record.id), '--raw', '--db', server.db]);
    expect(raw.code).toBe(0);
    expect(Buffer.from(raw.stdoutBytes).equals(Buffer.from(sent[0]!.body))).toBe(true);
  });

  scenarioTest('stores envelopes posted through the `tunnel` URL under the project and key of the envelope dsn', async () => {
    const tunnel = `${server.url}/tunnel`;
    const r = await run('tunnel', has('event'), { tunnel });
    expect(r.page.requests.length).toBeGreaterThan(0);
    expect(r.page.requests.every((q) => q.url === tunnel)).toBe(true);
    const error = r.byEventId(r.result.eventId);
    expect(error.record).toMatchObject({ projectId: PROJECT.tunnel, publicKey: TEST_KEY, title: 'Error: tunnelled boom', sdkName: SDK.sdk });
    expect(error.record.requestMeta).toMatchObject({ path: '/tunnel', auth_carrier: 'envelope-dsn', 'content-type': TEXT_PLAIN });
    expect(error.record.requestMeta.query).toBeUndefined();
    expect(header(error).dsn).toBe(server.dsn(PROJECT.tunnel));
  });

  scenarioTest('stores the SDK envelopes delivered by navigator.sendBeacon exactly as sent', async () => {
    const r = await run('beacon', has('event', 'log'));
    const error = r.byEventId(r.result.eventId);
    expect(error.record).toMatchObject({ projectId: PROJECT.beacon, mainType: 'error', title: 'Error: beacon boom', sdkName: SDK.sdk, sdkVersion: VERSION });
    expect(error.record.requestMeta['content-type']).toBe(TEXT_PLAIN);
    expectQueryAuth(error);
    // A beacon's response is invisible to the page: the transport reports no status.
    expect((r.result.sent as Json[]).every((s) => s.status === null)).toBe(true);
    const beacons = r.page.requests.filter((q) => q.resourceType === 'ping');
    const sentError = beacons.find((q) => Buffer.from(q.body).includes(r.result.eventId))!;
    expect(sentError.headers['content-type']).toBe(TEXT_PLAIN);
    expect(Buffer.from(error.record.body).equals(Buffer.from(sentError.body))).toBe(true);
    expect(payload(r.ofType('log')[0]!).items[0]).toMatchObject({ body: 'beacon log' });
  });

  scenarioTest('stores what the SDK flushes with keepalive fetches when the page is closed', async () => {
    const r = await run('pageHide', has('log', 'client_report'), {}, true);
    expect(payload(r.ofType('log')[0]!).items[0]).toMatchObject({ body: 'logged before page hide' });
    const report = payload(r.ofType('client_report')[0]!);
    expect(report.discarded_events).toContainEqual({ reason: 'before_send', category: 'error', quantity: 1 });
  });
});

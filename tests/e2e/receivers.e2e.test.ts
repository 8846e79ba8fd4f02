// Replayed traffic judged by real receivers: every replayed event and transaction goes through
// Sentry's own normaliser (sentry-relay) with Sentry's settings, and errors are replayed into a
// running Bugsink, which must store them with the new ids and current timestamps.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { toEpochMicros } from '../../src/replay/time.ts';
import { type BugsinkHandle, type BugsinkProject, startBugsink } from '../helpers/bugsink.ts';
import { type Normalizer, SENTRY_WINDOWS, startNormalizer, type Verdict } from '../helpers/normalizer.ts';
import { skipWithoutReceivers } from '../helpers/receivers-venv.ts';
import { type ParsedEnvelope, parseEnvelope, type RecordingSink, startRecordingSink } from '../helpers/recording-sink.ts';
import { runSdkScenario, sdkInstallProblem } from '../helpers/sdk.ts';
import { runUndertaker, type ServerHandle, startServer, stopAll } from '../helpers/spawn.ts';

type Json = Record<string, any>;
const DAY = 86_400;
const OLD_RELEASE = 'old@1';
const MIN_CLOCK_DRIFT_US = 55 * 60 * 1e6; // Relay's MINIMUM_CLOCK_DRIFT
const problems = (['python', 'node'] as const).map(sdkInstallProblem).filter((p): p is string => p !== null);
if (problems.length && process.env.UNDERTAKER_REQUIRE_SDKS) throw new Error(`SDKs required but missing: ${problems.join('; ')}`);
const skip = skipWithoutReceivers() || problems.length > 0;

const micros = (v: unknown) => toEpochMicros(v) ?? Number.NaN;
/** Relay drops transactions whose end lies outside the metrics window (the library does not check it). */
const inMetricsWindow = (endUs: number, nowUs: number) => endUs >= nowUs - 5 * DAY * 1e6 && endUs <= nowUs + 60e6;
const normId = (id: unknown) => String(id).replaceAll('-', '').toLowerCase();
const DECODERS: Record<string, (b: Uint8Array) => Uint8Array> = { gzip: gunzipSync, deflate: inflateSync, br: brotliDecompressSync };

/** Old stored data as replays meet it: a 45-day-old trace (error + transaction), a 6-day-old transaction, a 45-day-old /store/ event. */
async function postOldData(server: ServerHandle): Promise<void> {
  const t0 = Date.now() / 1000 - 45 * DAY;
  const iso = (s: number) => new Date(s * 1000).toISOString().replace('Z', '+00:00');
  const trace = { trace_id: 'abcdef0123456789abcdef0123456789', span_id: 'abcdef0123456789', op: 'task' };
  const error = {
    event_id: 'e1'.repeat(16), timestamp: t0, platform: 'python', level: 'error', release: OLD_RELEASE,
    exception: { values: [{ type: 'KeyError', value: "'old'" }] },
    breadcrumbs: { values: [{ timestamp: t0 - 30.5, message: 'float crumb' }, { timestamp: iso(t0 - 20), message: 'string crumb' }] },
    contexts: { trace: { trace_id: trace.trace_id, span_id: '0123456789abcdef', parent_span_id: trace.span_id } },
  };
  const spans = [{ span_id: 'fedcba9876543210', parent_span_id: trace.span_id, trace_id: trace.trace_id, op: 'db', start_timestamp: t0 - 12, timestamp: t0 - 11.5 }];
  const tx = { event_id: 'e2'.repeat(16), type: 'transaction', transaction: 'old-job', platform: 'python', start_timestamp: t0 - 12.25, timestamp: t0 - 10, contexts: { trace }, spans };
  const sixDays = Date.now() / 1000 - 6 * DAY;
  const zoned = {
    event_id: 'e3'.repeat(16), type: 'transaction', transaction: 'six-days-old', platform: 'go', start_timestamp: iso(sixDays - 3), timestamp: iso(sixDays),
    contexts: { trace: { trace_id: 'c'.repeat(32), span_id: 'c'.repeat(16) } }, spans: [],
  };
  for (const [type, p] of [['event', error], ['transaction', tx], ['transaction', zoned]] as const) {
    const header = { event_id: p.event_id, sent_at: iso(Date.now() / 1000 - 45 * DAY), trace: { trace_id: p.contexts.trace.trace_id, public_key: '1'.repeat(32), sample_rate: '0.5' } };
    const res = await fetch(`${server.url}/api/1/envelope/`, { method: 'POST', body: `${JSON.stringify(header)}\n{"type":"${type}"}\n${JSON.stringify(p)}\n` });
    expect(res.status).toBe(200);
  }
  const legacy = { event_id: 'e4'.repeat(16), timestamp: iso(t0).slice(0, 19), platform: 'javascript', message: 'legacy store event', level: 'warning', release: OLD_RELEASE };
  const res = await fetch(`${server.url}/api/1/store/`, { method: 'POST', body: JSON.stringify(legacy), headers: { 'X-Sentry-Auth': `Sentry sentry_key=${'0'.repeat(32)}, sentry_version=5` } });
  expect(res.status).toBe(200);
}

/** Event and transaction items of every stored envelope, counted from the source's index. */
async function countEventItems(db: string): Promise<{ events: number; transactions: number }> {
  const listed = await runUndertaker(['events', 'list', '--json', '--limit', '1000', '--db', db]);
  expect(listed.code).toBe(0);
  const types = (JSON.parse(listed.stdout) as { item_types: string[] }[]).flatMap((r) => r.item_types);
  return { events: types.filter((t) => t === 'event').length, transactions: types.filter((t) => t === 'transaction').length };
}

interface Forwarded {
  envelope: ParsedEnvelope;
  status: number;
}

/** A loopback hop in front of Bugsink that keeps what Undertaker really sent (ids, timestamps). */
function startForwarder(target: string) {
  const seen: Forwarded[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const raw = new Uint8Array(await req.arrayBuffer());
      const url = new URL(req.url);
      const headers = new Headers(req.headers);
      headers.delete('host');
      const res = await fetch(`${target}${url.pathname}${url.search}`, { method: req.method, headers, body: raw });
      const answer = await res.arrayBuffer();
      const encoding = req.headers.get('content-encoding');
      const body = encoding ? DECODERS[encoding]!(raw) : raw;
      seen.push({ envelope: parseEnvelope(body), status: res.status });
      return new Response(answer, { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'text/plain' } });
    },
  });
  return { seen, port: server.port!, stop: () => server.stop(true) };
}

describe.skipIf(skip)('replay judged by real receivers', () => {
  let source: ServerHandle;
  let starting: Promise<BugsinkHandle> | undefined;
  let bugsink: BugsinkHandle;
  let expected: { events: number; transactions: number };

  beforeAll(async () => {
    // Bugsink migrates for seconds: let it do so while the SDKs run.
    starting = startBugsink();
    starting.catch(() => undefined);
    source = await startServer();
    await runSdkScenario('python', 'all', source.dsn(1));
    await runSdkScenario('node', 'all', source.dsn(1));
    await postOldData(source);
    expected = await countEventItems(source.db);
    bugsink = await starting;
  }, 180_000);
  afterAll(async () => {
    // Also when beforeAll failed half-way: the Bugsink that was starting is stopped, not orphaned.
    await (await starting?.catch(() => undefined))?.stop();
    await stopAll();
  });

  describe("Sentry's normaliser (sentry-relay StoreNormalizer)", () => {
    let sink: RecordingSink;
    let normalizer: Normalizer;
    let checked: { what: string; request: { receivedAt: number; sentAt: string }; payload: Json; verdict: Verdict }[];

    beforeAll(async () => {
      sink = await startRecordingSink();
      const replay = await runUndertaker(['replay', '--dsn', sink.dsn(2), '--db', source.db]);
      expect({ code: replay.code, stderr: replay.code === 0 ? '' : replay.stderr }).toEqual({ code: 0, stderr: '' });
      normalizer = await startNormalizer({ projectId: 2 });
      checked = [];
      for (const request of sink.requests) {
        const envelope = parseEnvelope(request.body);
        const sentAt = String(envelope.header.sent_at);
        for (const item of envelope.items.filter((i) => i.header.type === 'event' || i.header.type === 'transaction')) {
          const payload = item.json as Json;
          // One normaliser per request, built as Sentry builds it, "now" being when the sink got it.
          const config = { ...SENTRY_WINDOWS, project_id: 2, received_at: new Date(request.receivedAt).toISOString(), sent_at: sentAt };
          const verdict = await normalizer.checkWith(payload, config);
          checked.push({ what: `${item.header.type} ${payload.platform} ${payload.transaction ?? payload.message ?? payload.exception?.values?.[0]?.type}`, request: { receivedAt: request.receivedAt, sentAt }, payload, verdict });
        }
      }
    }, 120_000);
    afterAll(async () => {
      sink?.stop();
      await normalizer?.stop();
    });

    it('checks every replayed event and transaction', () => {
      expect(checked.filter((c) => c.payload.type === 'transaction').length).toBe(expected.transactions);
      expect(checked.length).toBe(expected.events + expected.transactions);
      expect(expected.transactions).toBeGreaterThanOrEqual(4);
      expect(expected.events).toBeGreaterThanOrEqual(6);
    });

    it('records no processing error and raises no exception for any of them', () => {
      const flagged = checked.filter((c) => !c.verdict.ok || c.verdict.errors.length > 0).map((c) => ({ what: c.what, verdict: c.verdict }));
      expect(flagged).toEqual([]);
      for (const c of checked) expect(c.verdict.ok && c.verdict.type).toBe(c.payload.type === 'transaction' ? 'transaction' : c.payload.exception ? 'error' : 'default');
    });

    it('sends sent_at within Relay’s 55-minute clock-drift threshold of the receive time', () => {
      for (const c of checked) expect(Math.abs(c.request.receivedAt * 1000 - micros(c.request.sentAt))).toBeLessThan(MIN_CLOCK_DRIFT_US);
      // Tighter than Relay needs: sent_at is the real send time.
      for (const c of checked) expect(Math.abs(c.request.receivedAt * 1000 - micros(c.request.sentAt))).toBeLessThan(10e6);
    });

    it('puts every transaction end inside the metrics window [now − 5 days, now + 60 s]', () => {
      const transactions = checked.filter((c) => c.payload.type === 'transaction');
      for (const c of transactions) {
        expect({ what: c.what, inWindow: inMetricsWindow(micros(c.payload.timestamp), c.request.receivedAt * 1000) }).toEqual({ what: c.what, inWindow: true });
      }
    });

    it('flags the captured originals the same checks pass after the rewrite (the checks have teeth)', async () => {
      const stored = async (eventId: string) => {
        const listed = JSON.parse((await runUndertaker(['events', 'list', '--json', '--db', source.db])).stdout) as { id: number; event_id: string }[];
        const id = listed.find((r) => r.event_id === eventId)!.id;
        return JSON.parse((await runUndertaker(['events', 'show', String(id), '--json', '--db', source.db])).stdout).items[0].payload as Json;
      };
      const config = { ...SENTRY_WINDOWS, project_id: 2, received_at: new Date().toISOString() };
      const oldError = await normalizer.checkWith(await stored('e1'.repeat(16)), config);
      expect(oldError.ok && oldError.errors.map((e) => `${e.type} ${e.name}`)).toEqual(['past_timestamp timestamp']);
      const sixDaysOld = await stored('e3'.repeat(16));
      expect(await normalizer.checkWith(sixDaysOld, config)).toMatchObject({ ok: true, errors: [] });
      expect(inMetricsWindow(micros(sixDaysOld.timestamp), Date.now() * 1000)).toBe(false);
    });
  });

  describe('Bugsink', () => {
    let project: BugsinkProject;
    let forwarder: ReturnType<typeof startForwarder>;
    let replayStartUs: number;
    let replayEndUs: number;

    const replayIntoBugsink = async () => {
      const dsn = project.dsn.replace(/:\d+\//, `:${forwarder.port}/`);
      const replay = await runUndertaker(['replay', '--dsn', dsn, '--db', source.db]);
      expect({ code: replay.code, stderr: replay.code === 0 ? '' : `${replay.stderr}\n${bugsink.logs()}` }).toEqual({ code: 0, stderr: '' });
    };
    /** Header event ids of the forwarded envelopes that carry an `event` item (the ones Bugsink keeps). */
    const sentErrorIds = (from: number) =>
      forwarder.seen.slice(from).filter((f) => f.envelope.items.some((i) => i.header.type === 'event')).map((f) => normId(f.envelope.header.event_id));

    beforeAll(async () => {
      project = await bugsink.createProject('undertaker-replay');
      forwarder = startForwarder(bugsink.url);
      replayStartUs = Date.now() * 1000;
      await replayIntoBugsink();
      replayEndUs = Date.now() * 1000;
    }, 120_000);
    afterAll(() => forwarder?.stop());

    it('accepts every replayed envelope with 200', () => {
      expect(forwarder.seen.length).toBeGreaterThan(expected.events);
      expect(forwarder.seen.filter((f) => f.status !== 200).length).toBe(0);
    });

    it('stores every replayed error under the new event id', () => {
      const sent = sentErrorIds(0);
      expect(sent.length).toBe(expected.events);
      const stored = bugsink.events(project.id).map((e) => e.eventId);
      expect(stored.sort()).toEqual([...sent].sort());
      // None of them is a captured (old) id.
      const oldIds = new Set(['e1'.repeat(16), 'e4'.repeat(16)]);
      expect(stored.filter((id) => oldIds.has(id))).toEqual([]);
    });

    it('stores current timestamps: exactly the replayed ones, the fresh SDK errors within seconds of the replay', () => {
      const sentTimes = new Map<string, number>();
      for (const f of forwarder.seen) {
        const item = f.envelope.items.find((i) => i.header.type === 'event');
        if (item) sentTimes.set(normId(f.envelope.header.event_id), micros((item.json as Json).timestamp));
      }
      const stored = bugsink.events(project.id);
      for (const e of stored) {
        expect(Math.abs(e.timestampUs - sentTimes.get(e.eventId)!)).toBeLessThan(1000);
        expect(e.timestampUs).toBeLessThanOrEqual(replayEndUs);
        // Old data may keep its time of day (within the last 24 h) rather than land at "now".
        expect(e.timestampUs).toBeGreaterThan(replayStartUs - (DAY + 60) * 1e6);
      }
      const fresh = stored.filter((e) => e.data.release !== OLD_RELEASE);
      expect(fresh.length).toBe(expected.events - 2); // all but the two old errors
      for (const e of fresh) expect(e.timestampUs).toBeGreaterThan(replayStartUs - 30e6);
    });

    it('creates new events, not duplicates, when the same data is replayed again (F27)', async () => {
      const before = forwarder.seen.length;
      await replayIntoBugsink();
      const stored = bugsink.events(project.id).map((e) => e.eventId);
      expect(stored.length).toBe(2 * expected.events);
      expect(new Set(stored).size).toBe(stored.length);
      expect(stored.slice(expected.events).sort()).toEqual(sentErrorIds(before).sort());
    }, 60_000);
  });
});

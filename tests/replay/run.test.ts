// A replay run end to end in one process: a :memory: store filled through the ingest routes,
// real HTTP sinks on 127.0.0.1, an injected clock. Routing, history, determinism, the self guard.
import { afterEach, describe, expect, it } from 'bun:test';
import { parseDsn } from '../../src/envelope/dsn.ts';
import { parseReplayConfig } from '../../src/config/replay-config.ts';
import { createRouter } from '../../src/replay/routing.ts';
import { assertNotOwnAddress } from '../../src/replay/guard.ts';
import { runReplay } from '../../src/replay/run.ts';
import { DEFAULT_INGEST_LIMITS } from '../../src/ingest/routes.ts';
import { createApp } from '../../src/web/app.ts';
import { silentLogger } from '../helpers/logger.ts';
import { createReplayService } from '../../src/replay/service.ts';
import { createFakeClock, T0 } from '../helpers/fake-clock.ts';
import { type Capture, DEST_KEY, type SinkRequest, startScriptedSink, storeWith, testPlan } from '../helpers/replay-fixtures.ts';

const TS = T0 / 1000 - 7200;
const TRACE = 'abcdefabcdefabcdefabcdefabcdef01';
const CAPTURES: Capture[] = [
  { type: 'event', ts: TS, platform: 'python', trace: TRACE, message: 'py-error', user: '42' },
  { type: 'transaction', ts: TS + 5, platform: 'python', trace: TRACE, message: 'py-tx' },
  { type: 'event', ts: TS + 60, platform: 'javascript', sdk: 'sentry.javascript.browser', message: 'js-error', project: 2 },
  { type: 'event', ts: TS + 90, platform: 'go', message: 'go-error', project: 3 },
];

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function sink(respond: (req: SinkRequest, i: number) => Response = () => Response.json({ id: 'x' }), now = Date.now) {
  const s = startScriptedSink(respond, now);
  stops.push(s.stop);
  return s;
}

const payload = (req: SinkRequest) => JSON.parse(req.body.split('\n')[2]!);
const header = (req: SinkRequest) => JSON.parse(req.body.split('\n')[0]!);

describe('replay run', () => {
  it('routes each source to its destinations, giving both copies the same new ids', async () => {
    const [py, js, extra] = [sink(), sink(), sink()];
    const app = await storeWith(CAPTURES);
    const router = createRouter(
      parseReplayConfig(
        { datasets: { web: { projects: [2] } }, routes: [{ match: { platform: 'python' }, to: [py.dsn, extra.dsn] }, { match: { dataset: 'web' }, to: js.dsn }] },
        'test',
      ),
    );
    const report = await runReplay({ store: app.store, clock: createFakeClock(), client: 't' }, testPlan(py.dsn, { router }));
    expect(report).toMatchObject({ selected: 3, unrouted: 1, sent: 5, accepted: 5 });
    expect(py.requests.map((r) => payload(r).message ?? payload(r).transaction)).toEqual(['py-error', 'py-tx']);
    expect(js.requests.map((r) => payload(r).message)).toEqual(['js-error']);
    expect(extra.requests.map((r) => header(r).event_id)).toEqual(py.requests.map((r) => header(r).event_id));
    // The error and the transaction still share one (new) trace.
    const [err, tx] = py.requests.map(payload);
    expect(err.contexts.trace.trace_id).toBe(tx.contexts.trace.trace_id);
    expect(err.contexts.trace.trace_id).not.toBe(TRACE);
    expect(header(py.requests[0]!).trace.public_key).toBe(DEST_KEY);
  });

  it('records the run and each outcome with the new ids in history, marker tag included', async () => {
    const target = sink();
    const app = await storeWith(CAPTURES);
    const clock = createFakeClock();
    const service = createReplayService({ store: app.store, client: 't', storeFingerprint: 'none', clock });
    const started = await service.start({ dsn: target.dsn, platform: 'python', tags: ['demo:yes'] }, { trigger: 'api', label: (k) => k });
    const report = await started.done;
    const run = (await app.store.getReplayRun(started.runId))!;
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'api', selected: 2, sent: 2, accepted: 2, byStatus: { '200': 2 }, error: null, finishedAt: T0 });
    expect(run.options).toMatchObject({ destinations: [target.dsn], filter: { platform: 'python' }, pace: 'now', tags: { demo: 'yes' }, marker: true });
    // Outcomes are stored as sends finish (4 in flight by default): sort to compare.
    const outcomes = (await app.store.listReplayOutcomes(started.runId)).sort((a, b) => a.envelopeId - b.envelopeId);
    expect(outcomes.map((o) => [o.envelopeId, o.outcome, o.httpStatus, o.attempts])).toEqual([[1, 'accepted', 200, 1], [2, 'accepted', 200, 1]]);
    const sent = new Map(target.requests.map((r) => [payload(r).message ?? payload(r).transaction, r]));
    expect(outcomes.map((o) => o.newEventId)).toEqual([header(sent.get('py-error')!).event_id, header(sent.get('py-tx')!).event_id]);
    expect(outcomes[0]!.newTraceId).toBe(payload(sent.get('py-error')!).contexts.trace.trace_id);
    expect(payload(sent.get('py-error')!).tags).toEqual({ 'undertaker.run': String(started.runId), demo: 'yes' });
    expect(report.runId).toBe(started.runId);
  });

  it('produces the same bytes for the same seed and clock, sent_at included', async () => {
    // The same stored data twice (captures get random ids when stored, and new ids derive from them).
    const runs: string[][] = [];
    const app = await storeWith(CAPTURES);
    for (let i = 0; i < 2; i++) {
      const clock = createFakeClock();
      const target = sink(undefined, clock.now);
      await runReplay({ store: app.store, clock, client: 't' }, testPlan(target.dsn, { seed: 7, pacing: { mode: 'now', speed: 1, spreadMs: 60_000 } }));
      runs.push(target.requests.map((r) => r.body));
    }
    expect(runs[0]!.length).toBe(4);
    expect(runs[1]).toEqual(runs[0]!);
    expect(runs[0]!.map((b) => JSON.parse(b.split('\n')[0]!).sent_at)).toEqual(['2026-07-15T12:00:00.000Z', '2026-07-15T12:00:15.000Z', '2026-07-15T12:00:30.000Z', '2026-07-15T12:00:45.000Z']);
  });

  it('sends with the recorded gaps divided by --speed', async () => {
    const clock = createFakeClock();
    const target = sink();
    const app = await storeWith(CAPTURES);
    const rows = await app.store.listEnvelopes({ order: 'asc' });
    const gaps = rows.map((r) => r.receivedAt - rows[0]!.receivedAt);
    const startedAt: number[] = [];
    const fetchAt = ((url: string, init: RequestInit) => (startedAt.push(clock.now() - T0), fetch(url, init))) as typeof fetch;
    await runReplay({ store: app.store, clock, client: 't', fetch: fetchAt }, testPlan(target.dsn, { pacing: { mode: 'recorded', speed: 0.001 } }));
    expect(startedAt).toEqual(gaps.map((g) => Math.floor(g * 1000)));
  });

  it('reports 400 and 413 as rejected after one attempt, and keeps going', async () => {
    const target = sink((_r, i) => new Response('{"detail":"bad"}', { status: [400, 413, 200, 200][i] }));
    const app = await storeWith(CAPTURES);
    const runId = await app.store.createReplayRun({ startedAt: T0, trigger: 'cli', options: {} });
    const report = await runReplay({ store: app.store, clock: createFakeClock(), client: 't', runId }, testPlan(target.dsn));
    expect(report).toMatchObject({ sent: 4, accepted: 2, rejected: 2, byStatus: { '400': 1, '413': 1, '200': 2 } });
    const outcomes = await app.store.listReplayOutcomes(runId, { outcome: 'rejected' });
    expect(outcomes.map((o) => [o.httpStatus, o.attempts, o.reason])).toEqual([[400, 1, '{"detail":"bad"}'], [413, 1, '{"detail":"bad"}']]);
  });

  it('sends nothing on a dry run and records dry_run outcomes', async () => {
    const target = sink();
    const app = await storeWith(CAPTURES);
    const report = await runReplay({ store: app.store, clock: createFakeClock(), client: 't' }, testPlan(target.dsn, { dryRun: true }));
    expect(report).toMatchObject({ selected: 4, sent: 0, accepted: 0, dryRun: true });
    expect(target.requests.length).toBe(0);
  });

  it('finishes the send in flight and stops when asked', async () => {
    const stop = new AbortController();
    const target = sink(() => {
      stop.abort();
      return Response.json({});
    });
    const app = await storeWith(CAPTURES);
    const report = await runReplay({ store: app.store, clock: createFakeClock(), client: 't', signal: stop.signal }, testPlan(target.dsn));
    expect(report).toMatchObject({ stopped: true, selected: 4, sent: 1, accepted: 1 });
    expect(target.requests.length).toBe(1);
  });
});

describe('own capture address', () => {
  it('refuses a destination that resolves to the listen address of a server on this store, unless forced', async () => {
    const target = sink();
    const port = parseDsn(target.dsn).port!;
    const app = await storeWith(CAPTURES.slice(0, 1));
    const dsn = target.dsn.replace('127.0.0.1', 'capture.internal');
    const resolve = async (host: string) => (host === 'capture.internal' ? ['127.0.0.1'] : []);
    const deps = { store: app.store, clock: createFakeClock(), client: 't', guard: { storeFingerprint: 'own', ownAddresses: [{ host: 'localhost', port }], resolve } };
    await expect(runReplay(deps, testPlan(dsn))).rejects.toThrow(
      `refusing to replay into ${dsn}: it is the capture address localhost:${port} of the Undertaker writing into the database this replay reads`,
    );
    expect(target.requests.length).toBe(0);
    expect((await runReplay(deps, testPlan(target.dsn, { force: true }))).accepted).toBe(1);
  });

  it('accepts another server, and treats a wildcard bind as every local address', async () => {
    const target = sink();
    const port = parseDsn(target.dsn).port!;
    const app = await storeWith(CAPTURES.slice(0, 1));
    const other = { store: app.store, clock: createFakeClock(), client: 't', guard: { storeFingerprint: 'own', ownAddresses: [{ host: '127.0.0.1', port: port + 1 }] } };
    expect((await runReplay(other, testPlan(target.dsn))).accepted).toBe(1);
    const wildcard = { ...other, guard: { storeFingerprint: 'own', ownAddresses: [{ host: '0.0.0.0', port }] } };
    await expect(runReplay(wildcard, testPlan(target.dsn.replace('127.0.0.1', 'localhost')))).rejects.toThrow(`capture address 0.0.0.0:${port}`);
  });

  it('refuses every spelling of this machine that reaches a loopback listener, dry runs included', async () => {
    const target = sink();
    const port = parseDsn(target.dsn).port!;
    const app = await storeWith(CAPTURES.slice(0, 1));
    const deps = { store: app.store, clock: createFakeClock(), client: 't', guard: { storeFingerprint: 'own', ownAddresses: [{ host: '127.0.0.1', port }], resolve: async () => [] } };
    // 0.0.0.0 and :: connect to this machine; a trailing root dot and IPv4-mapped IPv6 (which the
    // URL parser writes as ::ffff:7f00:1) name the same loopback address.
    for (const host of ['0.0.0.0', '[::]', 'localhost.', '[::ffff:127.0.0.1]', '127.0.0.2']) {
      const dsn = target.dsn.replace('127.0.0.1', host);
      await expect(runReplay(deps, testPlan(dsn))).rejects.toThrow('refusing to replay into');
      await expect(runReplay(deps, testPlan(dsn, { dryRun: true }))).rejects.toThrow('refusing to replay into');
    }
    expect(target.requests.length).toBe(0);
    expect(assertNotOwnAddress.bind(null, [parseDsn(target.dsn.replace('127.0.0.1', '0.0.0.0'))], [{ host: '127.0.0.1', port }])).toThrow('refusing to replay into');
    expect(assertNotOwnAddress.bind(null, [parseDsn(target.dsn.replace('127.0.0.1', '[::ffff:127.0.0.1]'))], [{ host: 'localhost', port }])).toThrow('refusing to replay into');
  });

  it('is refused by an Undertaker that stores into the database being read, before anything is stored', async () => {
    const app = await storeWith(CAPTURES.slice(0, 2));
    // The same database behind an address no check can see through (a proxy, a host alias).
    const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: createApp({ store: app.store, logger: silentLogger, storeFingerprint: 'own-fp', ingest: { ...DEFAULT_INGEST_LIMITS, tunnelPath: '/tunnel' } }).fetch });
    stops.push(() => server.stop(true));
    const dsn = `http://${DEST_KEY}@127.0.0.1:${server.port}/9`;
    const deps = { store: app.store, clock: createFakeClock(), client: 't', guard: { storeFingerprint: 'own-fp' } };
    const report = await runReplay(deps, testPlan(dsn, { concurrency: 1 })).catch((e: Error) => e);
    expect((await app.store.listEnvelopes({})).length).toBe(2);
    expect(report instanceof Error ? report.message : JSON.stringify(report)).toContain('the Undertaker there stores into the database this replay reads');
    // Forced, the header is not sent and the server takes the replay as any other.
    expect((await runReplay(deps, testPlan(dsn, { force: true }))).accepted).toBe(2);
    expect((await app.store.listEnvelopes({})).length).toBe(4);
  });

  it('stops the run when an ingest response names the store being read', async () => {
    const target = sink(() => new Response('{}', { headers: { 'x-undertaker-store': 'own-store' } }));
    const app = await storeWith(CAPTURES);
    const deps = { store: app.store, clock: createFakeClock(), client: 't', guard: { storeFingerprint: 'own-store' } };
    await expect(runReplay(deps, testPlan(target.dsn))).rejects.toThrow('refusing to replay into');
  });
});

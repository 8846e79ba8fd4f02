// Capture from real SDKs into one `undertaker serve`, replay with the CLI into a second one,
// and check what arrived: fresh ids, current timestamps, offsets and trace links kept.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { toEpochMicros } from '../../src/replay/time.ts';
import { runSdkScenario, type ScenarioResult, sdkInstallProblem } from '../helpers/sdk.ts';
import { runUndertaker, type ServerHandle, startServer, stopAll } from '../helpers/spawn.ts';

type Json = Record<string, any>;
interface Shown {
  id: number;
  event_id: string | null;
  type: string;
  trace_id: string | null;
  title: string | null;
  header: Json;
  items: { header: Json; payload: Json }[];
}

const problems = (['python', 'node'] as const).map(sdkInstallProblem).filter((p): p is string => p !== null);
if (problems.length && process.env.UNDERTAKER_REQUIRE_SDKS) throw new Error(`SDKs required but missing: ${problems.join('; ')}`);

async function showAll(db: string): Promise<Shown[]> {
  const listed = await runUndertaker(['events', 'list', '--json', '--limit', '1000', '--db', db]);
  expect(listed.code).toBe(0);
  const rows = JSON.parse(listed.stdout) as { id: number }[];
  return Promise.all(
    rows.map(async (r) => {
      const shown = await runUndertaker(['events', 'show', String(r.id), '--json', '--db', db]);
      expect(shown.code).toBe(0);
      return JSON.parse(shown.stdout) as Shown;
    }),
  );
}

const micros = (v: unknown) => {
  const m = toEpochMicros(v);
  if (m === null) throw new Error(`not a timestamp: ${JSON.stringify(v)}`);
  return m;
};

/** Every absolute timestamp of an event/transaction payload, in µs. */
function payloadTimes(p: Json): number[] {
  const out = [p.timestamp, p.start_timestamp, ...(p.spans ?? []).flatMap((s: Json) => [s.start_timestamp, s.timestamp])];
  const crumbs = Array.isArray(p.breadcrumbs) ? p.breadcrumbs : (p.breadcrumbs?.values ?? []);
  out.push(...crumbs.map((b: Json) => b.timestamp));
  return out.filter((v) => v !== undefined).map(micros);
}

const DAY = 86_400;
const OLD_TRACE = 'aaaabbbbccccddddeeeeffff00001111';
const OLD_ROOT_SPAN = '1111222233334444';

/** Old data as replays really meet it (F25): an error 45 days old and a transaction of its trace, plus a 6-day-old transaction with zoned strings. */
async function postOldTraces(server: ServerHandle): Promise<void> {
  const t0 = Math.floor(Date.now() / 1000) - 45 * DAY + 0.125;
  const error = {
    event_id: '0000000000000000000000000000e001',
    timestamp: t0,
    platform: 'python',
    level: 'error',
    exception: { values: [{ type: 'KeyError', value: "'old'" }] },
    breadcrumbs: { values: [{ timestamp: t0 - 30.5, message: 'float crumb' }, { timestamp: new Date((t0 - 20) * 1000).toISOString(), message: 'string crumb' }] },
    contexts: { trace: { trace_id: OLD_TRACE, span_id: 'aaaa000000000001', parent_span_id: OLD_ROOT_SPAN } },
  };
  const tx = {
    event_id: '0000000000000000000000000000e002',
    type: 'transaction',
    transaction: 'old-job',
    platform: 'python',
    start_timestamp: t0 - 12.25,
    timestamp: t0 - 10,
    contexts: { trace: { trace_id: OLD_TRACE, span_id: OLD_ROOT_SPAN, op: 'task' } },
    spans: [{ span_id: 'bbbb000000000001', parent_span_id: OLD_ROOT_SPAN, trace_id: OLD_TRACE, op: 'db', start_timestamp: t0 - 12, timestamp: t0 - 11.5 }],
  };
  const iso = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString().replace('Z', '+00:00');
  const zoned = {
    event_id: '0000000000000000000000000000e003',
    type: 'transaction',
    transaction: 'six-days-old',
    platform: 'go',
    start_timestamp: iso(6 * DAY + 3),
    timestamp: iso(6 * DAY),
    contexts: { trace: { trace_id: 'cccc0000000000000000000000000003', span_id: 'cccc000000000003' } },
    spans: [],
  };
  for (const [type, payload] of [['event', error], ['transaction', tx], ['transaction', zoned]] as const) {
    const body = `{"event_id":"${payload.event_id}","sent_at":"${new Date().toISOString()}","trace":{"trace_id":"${payload.contexts.trace.trace_id}","public_key":"${'1'.repeat(32)}","sample_rate":"0.5"}}\n{"type":"${type}"}\n${JSON.stringify(payload)}\n`;
    const res = await fetch(`${server.url}/api/1/envelope/`, { method: 'POST', body });
    expect(res.status).toBe(200);
  }
}

describe.skipIf(problems.length > 0)('replay from one undertaker into another', () => {
  let source: ServerHandle;
  let target: ServerHandle;
  let py: ScenarioResult;
  let node: ScenarioResult;
  let before: Shown[];
  let after: Shown[];
  let replayOut: { code: number; stdout: string; stderr: string };
  let replayStartedUs: number;

  beforeAll(async () => {
    source = await startServer();
    target = await startServer();
    py = await runSdkScenario('python', 'all', source.dsn(1));
    node = await runSdkScenario('node', 'all', source.dsn(1));
    await postOldTraces(source);
    before = await showAll(source.db);
    replayStartedUs = Date.now() * 1000;
    replayOut = await runUndertaker(['replay', '--dsn', target.dsn(2, 'fedcba9876543210fedcba9876543210'), '--db', source.db]);
    after = await showAll(target.db);
  }, 120_000);
  afterAll(stopAll);

  it('delivers every stored envelope and reports them all accepted', () => {
    expect(replayOut.code).toBe(0);
    expect(replayOut.stdout).toContain(`replayed ${before.length} envelope(s)`);
    expect(replayOut.stdout).toContain(`${before.length} accepted, 0 rejected, 0 failed`);
    expect(after.length).toBe(before.length);
    expect(after.map((e) => e.type).sort()).toEqual(before.map((e) => e.type).sort());
  });

  it('gives every event a fresh id, the same in the envelope header and the payload', () => {
    const oldIds = new Set(before.map((e) => e.event_id));
    const withIds = after.filter((e) => e.event_id !== null);
    expect(withIds.length).toBe(before.filter((e) => e.event_id !== null).length);
    for (const e of withIds) {
      expect(e.event_id!).toMatch(/^[0-9a-f]{32}$/);
      expect(oldIds.has(e.event_id)).toBe(false);
      expect(String(e.header.event_id).replaceAll('-', '')).toBe(e.event_id!);
      const payloadId = e.items[0]!.payload.event_id;
      if (payloadId !== undefined) expect(payloadId).toBe(e.event_id);
    }
  });

  it('points the envelope at the destination project and key', () => {
    for (const e of after) {
      if (e.header.trace) expect(e.header.trace.public_key).toBe('fedcba9876543210fedcba9876543210');
      expect(typeof e.header.sent_at).toBe('string');
      expect(Math.abs(Date.parse(e.header.sent_at) * 1000 - replayStartedUs)).toBeLessThan(60_000_000);
    }
  });

  it("moves the run's newest timestamp to within seconds of now and every trace into the last day, nothing in the future", () => {
    const byTrace = new Map<string, number>();
    for (const e of after.filter((x) => x.type === 'error' || x.type === 'transaction')) {
      const newest = Math.max(...payloadTimes(e.items[0]!.payload));
      byTrace.set(e.trace_id!, Math.max(newest, byTrace.get(e.trace_id!) ?? 0));
      expect(newest).toBeLessThanOrEqual(Date.now() * 1000);
    }
    expect(replayStartedUs - Math.max(...byTrace.values())).toBeLessThan(15_000_000);
    for (const newest of byTrace.values()) expect(replayStartedUs - newest).toBeLessThan(DAY * 1e6 + 15_000_000);
  });

  for (const sdk of ['python', 'node'] as const) {
    it(`keeps the ${sdk} transaction's span offsets and its trace link to the error inside it`, () => {
      const result = sdk === 'python' ? py : node;
      const oldTx = before.find((e) => e.event_id === result.transaction_event_id)!;
      const oldErr = before.find((e) => e.event_id === result.transaction_error_event_id)!;
      const platform = oldTx.items[0]!.payload.platform;
      const newTx = after.find((e) => e.type === 'transaction' && e.items[0]!.payload.transaction === 'job' && e.items[0]!.payload.platform === platform)!;
      // The error of the same title in the transaction's new trace (another error of the scenario can share the trace).
      const newErr = after.find((e) => e.type === 'error' && e.trace_id === newTx.trace_id && e.items[0]!.payload.platform === platform && e.title === oldErr.title)!;
      expect(newErr).toBeDefined();
      expect(newTx.trace_id).not.toBe(oldTx.trace_id);
      expect(newTx.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(newTx.header.trace.trace_id).toBe(newTx.trace_id);
      // Same offsets between every timestamp of the transaction and the error, to the microsecond.
      const oldTimes = [...payloadTimes(oldTx.items[0]!.payload), ...payloadTimes(oldErr.items[0]!.payload)];
      const newTimes = [...payloadTimes(newTx.items[0]!.payload), ...payloadTimes(newErr.items[0]!.payload)];
      expect(newTimes.length).toBe(oldTimes.length);
      const delta = newTimes[0]! - oldTimes[0]!;
      expect(newTimes.map((t) => t - delta)).toEqual(oldTimes);
      // Span ids are remapped, parent links kept.
      const oldSpans = oldTx.items[0]!.payload.spans as Json[];
      const newSpans = newTx.items[0]!.payload.spans as Json[];
      const rootSpan = newTx.items[0]!.payload.contexts.trace.span_id;
      expect(rootSpan).not.toBe(oldTx.items[0]!.payload.contexts.trace.span_id);
      newSpans.forEach((s, i) => {
        expect(s.span_id).not.toBe(oldSpans[i]!.span_id);
        expect(s.trace_id).toBe(newTx.trace_id);
        if (oldSpans[i]!.parent_span_id === oldTx.items[0]!.payload.contexts.trace.span_id) expect(s.parent_span_id).toBe(rootSpan);
      });
      // The original format is kept: Python writes RFC 3339 strings, JS writes float seconds.
      expect(typeof newTx.items[0]!.payload.timestamp).toBe(typeof oldTx.items[0]!.payload.timestamp);
    });
  }

  it('shifts a 45-day-old trace by one delta, whole days more than the fresh data, into the last day (F25)', () => {
    const oldErr = before.find((e) => e.event_id === '0000000000000000000000000000e001')!;
    const oldTx = before.find((e) => e.event_id === '0000000000000000000000000000e002')!;
    const newErr = after.find((e) => e.items[0]!.payload.exception?.values?.[0]?.type === 'KeyError')!;
    const newTx = after.find((e) => e.items[0]!.payload.transaction === 'old-job')!;
    expect(newErr.trace_id).toBe(newTx.trace_id);
    expect(newErr.trace_id).not.toBe(OLD_TRACE);
    expect(newErr.items[0]!.payload.contexts.trace.parent_span_id).toBe(newTx.items[0]!.payload.contexts.trace.span_id);
    const oldTimes = [...payloadTimes(oldErr.items[0]!.payload), ...payloadTimes(oldTx.items[0]!.payload)];
    const newTimes = [...payloadTimes(newErr.items[0]!.payload), ...payloadTimes(newTx.items[0]!.payload)];
    const delta = newTimes[0]! - oldTimes[0]!;
    // Whole days plus the fresh data's own delta, which is a few seconds either way (it is negative
    // when the SDK data was captured less than the 2 s lead before the replay started).
    expect(delta).toBeGreaterThan(44 * DAY * 1e6 - 60e6);
    expect(newTimes.map((t) => t - delta)).toEqual(oldTimes);
    // Same time of day as captured: the old trace moved by whole days more than the SDK data did.
    const oldPy = before.find((e) => e.event_id === py.transaction_event_id)!.items[0]!.payload;
    const newPy = after.find((e) => e.items[0]!.payload.transaction === 'job' && e.items[0]!.payload.platform === oldPy.platform)!.items[0]!.payload;
    const freshDelta = micros(newPy.timestamp) - micros(oldPy.timestamp);
    expect((delta - freshDelta) % (DAY * 1e6)).toBe(0);
    expect(replayStartedUs - newTimes[0]!).toBeLessThan(DAY * 1e6 + 15_000_000);
    expect(replayStartedUs - newTimes[0]!).toBeGreaterThan(0);
    // Formats kept: float seconds stay numbers, the RFC 3339 breadcrumb stays a Z string with millis.
    expect(typeof newErr.items[0]!.payload.timestamp).toBe('number');
    expect(newErr.items[0]!.payload.breadcrumbs.values[1].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(newTx.header.trace.sample_rate).toBe('0.5');
  });

  it('moves a 6-day-old transaction into the accepted window, keeping its +00:00 strings and duration', () => {
    const oldTx = before.find((e) => e.event_id === '0000000000000000000000000000e003')!.items[0]!.payload;
    const newTx = after.find((e) => e.items[0]!.payload.transaction === 'six-days-old')!.items[0]!.payload;
    expect(newTx.timestamp).toMatch(/\+00:00$/);
    expect(micros(newTx.timestamp) - micros(newTx.start_timestamp)).toBe(micros(oldTx.timestamp) - micros(oldTx.start_timestamp));
    expect(replayStartedUs - micros(newTx.timestamp)).toBeLessThan(DAY * 1e6 + 15_000_000);
    expect(micros(newTx.timestamp)).toBeLessThan(Date.now() * 1000);
  });

  it('creates new events when the same data is replayed a second time', async () => {
    const second = await runUndertaker(['replay', '--dsn', target.dsn(2), '--db', source.db]);
    expect(second.code).toBe(0);
    const all = await showAll(target.db);
    const ids = all.map((e) => e.event_id).filter((id) => id !== null);
    expect(all.length).toBe(before.length * 2);
    expect(new Set(ids).size).toBe(ids.length);
  }, 60_000);
});

// F28 against a real HTTP sink on 127.0.0.1: the replay holds exactly the limited categories,
// keeps sending the rest, waits (on a fake clock) and retries, and reports what it held.
import { afterEach, describe, expect, it } from 'bun:test';
import { type ReplayReport, runReplay } from '../../src/replay/run.ts';
import type { ReplayOutcomeRow } from '../../src/store/index.ts';
import { createFakeClock, type FakeClock, T0 } from '../helpers/fake-clock.ts';
import { type Capture, type SinkRequest, startScriptedSink, storeWith, testPlan } from '../helpers/replay-fixtures.ts';

const TS = T0 / 1000 - 3600;
/** A transaction, an error, a transaction, an error, a session: in capture order. */
const CAPTURES: Capture[] = [
  { type: 'transaction', ts: TS, message: 'tx-1' },
  { type: 'event', ts: TS + 1, message: 'err-1' },
  { type: 'transaction', ts: TS + 2, message: 'tx-2' },
  { type: 'event', ts: TS + 3, message: 'err-2' },
  { type: 'session', ts: TS + 4 },
];

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

const ok = () => Response.json({ id: 'x' });

async function replayAgainst(respond: (req: SinkRequest, index: number) => Response, maxWaitMs = 300_000) {
  const clock: FakeClock = createFakeClock();
  const sink = startScriptedSink(respond, clock.now);
  stops.push(sink.stop);
  const app = await storeWith(CAPTURES);
  const runId = await app.store.createReplayRun({ startedAt: clock.now(), trigger: 'cli', options: {} });
  const report: ReplayReport = await runReplay({ store: app.store, clock, client: 'undertaker/test', runId }, testPlan(sink.dsn, { maxWaitMs }));
  const outcomes = await app.store.listReplayOutcomes(runId);
  const byTitle = (o: ReplayOutcomeRow) => CAPTURES[o.envelopeId - 1]!.message ?? CAPTURES[o.envelopeId - 1]!.type;
  return {
    report,
    clock,
    sent: sink.requests.map((r) => `${r.types[0]}@${(r.at - T0) / 1000}s`),
    outcomes: Object.fromEntries(outcomes.map((o) => [byTitle(o), o.outcome])),
    reasons: Object.fromEntries(outcomes.map((o) => [byTitle(o), o.reason])),
  };
}

describe('429 and X-Sentry-Rate-Limits (F28)', () => {
  it('(a) holds only transactions for 60 s after "60:transaction;profile", keeps sending errors and sessions', async () => {
    const limited = new Response('', { status: 429, headers: { 'x-sentry-rate-limits': '60:transaction;profile:organization:transaction_usage_exceeded' } });
    const r = await replayAgainst((_req, i) => (i === 0 ? limited : ok()));
    expect(r.sent).toEqual(['transaction@0s', 'event@0s', 'event@0s', 'session@0s', 'transaction@60s', 'transaction@60s']);
    expect(r.clock.sleeps).toEqual([60_000]);
    expect(r.outcomes).toEqual({ 'tx-1': 'accepted', 'err-1': 'accepted', 'tx-2': 'accepted', 'err-2': 'accepted', session: 'accepted' });
    expect(r.reasons['tx-2']).toBe('sent after waiting for a rate limit (attempt 2)');
    expect(r.report).toMatchObject({ selected: 5, accepted: 5, rateLimited: 0, byStatus: { '200': 5, '429': 1 } });
  });

  it('(b) holds everything for 30 s after "30::organization" on a 200', async () => {
    const r = await replayAgainst((_req, i) => (i === 0 ? new Response('{}', { headers: { 'x-sentry-rate-limits': '30::organization' } }) : ok()));
    expect(r.sent).toEqual(['transaction@0s', 'event@30s', 'transaction@30s', 'event@30s', 'session@30s']);
    expect(r.clock.sleeps).toEqual([30_000]);
    expect(r.report).toMatchObject({ accepted: 5, rateLimited: 0, byStatus: { '200': 5 } });
  });

  it('(c) holds everything for 60 s after a bare 429, the refused envelope included', async () => {
    const r = await replayAgainst((_req, i) => (i === 0 ? new Response(null, { status: 429 }) : ok()));
    expect(r.sent).toEqual(['transaction@0s', 'transaction@60s', 'event@60s', 'transaction@60s', 'event@60s', 'session@60s']);
    expect(r.report).toMatchObject({ accepted: 5, byStatus: { '200': 5, '429': 1 } });
  });

  it('(d) holds everything for 120 s after "Retry-After: 120"', async () => {
    const r = await replayAgainst((_req, i) => (i === 0 ? new Response(null, { status: 429, headers: { 'retry-after': '120' } }) : ok()));
    expect(r.sent).toEqual(['transaction@0s', 'transaction@120s', 'event@120s', 'transaction@120s', 'event@120s', 'session@120s']);
    expect(r.clock.sleeps).toEqual([120_000]);
  });

  it('(d) reports held envelopes rate_limited, without waiting, when the limit outlasts --max-wait', async () => {
    const r = await replayAgainst((_req, i) => (i === 0 ? new Response(null, { status: 429, headers: { 'retry-after': '120' } }) : ok()), 60_000);
    expect(r.sent).toEqual(['transaction@0s']);
    expect(r.clock.sleeps).toEqual([]);
    expect(Object.values(r.outcomes)).toEqual(['rate_limited', 'rate_limited', 'rate_limited', 'rate_limited', 'rate_limited']);
    expect(r.reasons['err-1']).toMatch(/^held: http:\/\/fedcba9876543210fedcba9876543210@127\.0\.0\.1:\d+\/9 rate-limits error; not sent in this run \(held 1 time\)$/);
    expect(r.report).toMatchObject({ selected: 5, sent: 0, accepted: 0, rateLimited: 5, byStatus: { '429': 1 } });
  });

  it('gives up on a category that stays limited after three holds and delivers everything else', async () => {
    const r = await replayAgainst((req) =>
      req.types[0] === 'transaction' ? new Response(null, { status: 429, headers: { 'x-sentry-rate-limits': '60:transaction:key' } }) : ok(),
    );
    // tx-2 is never sent: each time its turn comes, tx-1's 429 has just renewed the limit.
    expect(r.sent).toEqual(['transaction@0s', 'event@0s', 'event@0s', 'session@0s', 'transaction@60s', 'transaction@120s']);
    expect(r.outcomes).toEqual({ 'tx-1': 'rate_limited', 'err-1': 'accepted', 'tx-2': 'rate_limited', 'err-2': 'accepted', session: 'accepted' });
    expect(r.reasons['tx-1']).toContain('rate-limits transaction; not sent in this run (held 3 times)');
    expect(r.report).toMatchObject({ accepted: 3, rateLimited: 2 });
  });
});

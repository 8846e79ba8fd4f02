// The streamed selection plans exactly what grouping the whole selection in memory plans: same
// envelopes, same send offsets, same per-trace time deltas, for every pacing mode, across pages,
// with routing, a limit, traces spread far apart and envelopes without a trace.
import { describe, expect, it } from 'bun:test';
import { parseReplayConfig } from '../../src/config/replay-config.ts';
import { createRouter, type Router } from '../../src/replay/routing.ts';
import { planEntry, selectedPages, selectionFilter, surveySelection, TraceTimings } from '../../src/replay/selection.ts';
import { createOffsetPlanner, groupDelta, type Pacing, planDeltas, planOffsets } from '../../src/replay/timing.ts';
import { seededRandom } from '../../src/replay/ids.ts';
import { type EnvelopeFilter, openStore, type Store } from '../../src/store/index.ts';
import { sampleEnvelope } from '../store/contract.ts';

const START = Date.UTC(2026, 6, 15, 12, 0, 0);
const DAY = 86_400_000;
const PACINGS: Pacing[] = [
  { mode: 'now', speed: 1 },
  { mode: 'now', speed: 1, spreadMs: 600_000 },
  { mode: 'recorded', speed: 3 },
  { mode: 'recorded', speed: 1, spreadMs: 60_000 },
];

/** 400 envelopes in 3 projects: 40 traces reused at random positions (some days apart), a third without trace. */
async function fillStore(): Promise<Store> {
  const store = await openStore({ dialect: 'sqlite', path: ':memory:' });
  const random = seededRandom(11);
  const pick = (n: number) => (random(4).reduce((a, b) => a * 256 + b, 0) >>> 0) % n;
  let t = START - 50 * DAY;
  for (let i = 0; i < 400; i++) {
    t += pick(3) === 0 ? -pick(5000) : pick(DAY / 4);
    const trace = pick(3) === 0 ? null : `${'ab'.repeat(14)}${String(pick(40)).padStart(4, '0')}`;
    const eventTs = pick(5) === 0 ? null : t - pick(2 * DAY);
    await store.insertEnvelope(sampleEnvelope({ projectId: 1 + pick(3), receivedAt: t, eventTs }, { traceId: trace }));
  }
  return store;
}

/** The reference: the whole routed selection in memory, planned with planOffsets/planDeltas. */
async function expected(store: Store, filter: EnvelopeFilter, router: Router, pacing: Pacing): Promise<number[][]> {
  const rows = (await store.listPlanRows({})).filter((r) => router.route(r)).slice(0, filter.limit);
  const entries = rows.map(planEntry);
  const offsets = planOffsets(entries, pacing);
  const deltas = planDeltas(entries, offsets, pacing, START, 2);
  return rows.map((r, i) => [r.id, offsets[i]!, deltas[i]!]);
}

async function streamed(store: Store, filter: EnvelopeFilter, router: Router, pacing: Pacing): Promise<{ plan: number[][]; maxOpen: number }> {
  const survey = await surveySelection(store, filter, router);
  const offsetOf = createOffsetPlanner(survey.totals, pacing);
  const traces = new TraceTimings(store, selectionFilter(filter, survey), router);
  const plan: number[][] = [];
  let maxOpen = 0;
  for await (const page of selectedPages(store, filter, router, survey, 7)) {
    await traces.prepare(page.map((s) => s.row));
    for (const { row } of page) {
      const offset = offsetOf(plan.length, row.receivedAt);
      plan.push([row.id, offset, groupDelta(traces.timing(row, offset), survey.totals, pacing, START, 2)]);
      maxOpen = Math.max(maxOpen, traces.openTraces);
    }
  }
  return { plan, maxOpen };
}

describe('streamed selection', () => {
  const router = createRouter(parseReplayConfig({ routes: [{ match: { project: [1, 3] }, to: 'http://k@127.0.0.1:9/1' }] }, 'test'));

  for (const pacing of PACINGS) {
    for (const limit of [undefined, 150]) {
      it(`plans like the in-memory plan (${pacing.mode}${pacing.spreadMs ? ' spread' : ''}, limit ${limit ?? 'none'})`, async () => {
        const store = await fillStore();
        const filter: EnvelopeFilter = { limit };
        const want = await expected(store, filter, router, pacing);
        const got = await streamed(store, filter, router, pacing);
        expect(got.plan).toEqual(want);
        expect(want.length).toBe(limit ?? want.length);
        expect(new Set(want.map((w) => w[2])).size).toBeGreaterThan(5);
        // Only traces with envelopes still to come are held, never one per envelope.
        expect(got.maxOpen).toBeLessThanOrEqual(40);
        await store.close();
      });
    }
  }

  it('holds no trace once every trace has been passed, and none for traces of one envelope', async () => {
    const store = await openStore({ dialect: 'sqlite', path: ':memory:' });
    for (let i = 0; i < 50; i++) await store.insertEnvelope(sampleEnvelope({ receivedAt: START + i }, { traceId: `${'c'.repeat(28)}${String(i).padStart(4, '0')}` }));
    const all = createRouter(parseReplayConfig({ routes: [{ to: 'http://k@127.0.0.1:9/1' }] }, 'test'));
    const got = await streamed(store, {}, all, PACINGS[0]!);
    expect(got.plan.length).toBe(50);
    expect(got.maxOpen).toBe(0);
    await store.close();
  });
});

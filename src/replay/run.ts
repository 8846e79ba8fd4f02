/**
 * One replay run: survey and route stored envelopes (a first pass over index rows, no bodies,
 * keeping only totals), then walk the selection again page by page: plan each envelope's send
 * time and time delta (timing.ts, selection.ts), load the page's bodies, rewrite and send each to
 * its destinations through the dispatcher; rate-limited envelopes are retried once their limit
 * has passed, within the wait budget. Memory stays flat in the number of envelopes.
 */
import { dsnToString } from '../envelope/dsn.ts';
import { ConfigError } from '../shared/errors.ts';
import type { EnvelopeFilter, EnvelopeRecord, ReplayCounts, Store } from '../store/index.ts';
import { createDestination, type DeliveryContext, type Destination, deliver } from './deliver.ts';
import { assertNotOwnCapture, type GuardOptions, selfReplayMessage } from './guard.ts';
import { createIdMinter, DerivedIdMap } from './ids.ts';
import { type Clock, createDispatcher, type Dispatcher } from './pacing.ts';
import type { RateLimitState } from './rate-limits.ts';
import { type DeliveryOutcome, OutcomeRecorder } from './recorder.ts';
import { DEFAULT_LEAD_SECONDS } from './rewrite.ts';
import type { Router } from './routing.ts';
import { selectedPages, selectionFilter, type Survey, surveySelection, TraceTimings } from './selection.ts';
import { createRetryBudget } from './sender.ts';
import { createShaper, type Shaping } from './shaping.ts';
import { createOffsetPlanner, groupDelta, type Pacing } from './timing.ts';

/** Everything a run needs to know, resolved and validated (see options.ts). */
export interface ReplayPlan {
  filter: EnvelopeFilter;
  router: Router;
  pacing: Pacing;
  ratePerSecond?: number;
  concurrency: number;
  shaping: Shaping;
  seed?: number;
  dryRun: boolean;
  /** Skip the own-capture-address check. */
  force: boolean;
  /** How long the run may wait at its end for rate limits to pass before retrying held envelopes. */
  maxWaitMs: number;
  leadSeconds?: number;
}

export interface ReplayDeps {
  store: Store;
  clock: Clock;
  /** User agent and `sentry_client`. */
  client: string;
  fetch?: typeof fetch;
  /** Aborting stops the run: sends in flight finish, nothing new starts. */
  signal?: AbortSignal;
  /** The run's history row; outcomes and counters are stored there when given. */
  runId?: number;
  /** Own-capture-address check; omitted only by tests that send nowhere real. */
  guard?: GuardOptions;
  /** Rate limits per destination shared across runs of one process (else per run). */
  rateLimits?: (dsnKey: string) => RateLimitState;
  onOutcome?: (o: DeliveryOutcome) => void;
  /** Called once the plan is known: deliveries to make. */
  onPlanned?: (deliveries: number) => void;
  onWait?: (info: { until: number; envelopes: number }) => void;
}

export interface ReplayReport extends ReplayCounts {
  runId: number | null;
  /** Envelopes matching the filters that no route sends anywhere. */
  unrouted: number;
  destinations: string[];
  dryRun: boolean;
  stopped: boolean;
}

/** Times an envelope may be held by rate limits (so at most this many tries) before it is reported rate_limited. */
const MAX_HOLDS = 3;
const PAGE = 200;
const RETRIES_PER_RUN = 100;

interface Held {
  id: number;
  delta: number;
  dest: Destination;
  until: number;
  holds: number;
}

/** Everything one run shares between its passes. */
interface RunState {
  deps: ReplayDeps;
  plan: ReplayPlan;
  ctx: DeliveryContext;
  survey: Survey;
  startMs: number;
  stop: AbortController;
  dispatcher: Dispatcher;
  recorder: OutcomeRecorder;
  destinations: Map<string, Destination>;
  held: Held[];
  fatal?: Error;
}

export async function runReplay(deps: ReplayDeps, plan: ReplayPlan): Promise<ReplayReport> {
  const startMs = deps.clock.now();
  // Dry runs too: a dry run is how a destination is checked before the real run.
  if (!plan.force && deps.guard) await assertNotOwnCapture(plan.router.destinations, deps.guard);
  const survey = await surveySelection(deps.store, plan.filter, plan.router);
  deps.onPlanned?.(survey.deliveries);
  const stop = new AbortController();
  deps.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  if (deps.signal?.aborted) stop.abort();
  const state: RunState = {
    deps, plan, survey, startMs, stop,
    ctx: {
      ids: new DerivedIdMap(plan.seed !== undefined ? createIdMinter(plan.seed) : createIdMinter()),
      origin: plan.force ? undefined : deps.guard?.storeFingerprint,
      shape: createShaper(plan.shaping, new Date(startMs)),
      dryRun: plan.dryRun,
      now: () => deps.clock.now(),
    },
    dispatcher: createDispatcher({ clock: deps.clock, concurrency: plan.concurrency, ratePerSecond: plan.ratePerSecond, signal: stop.signal }),
    recorder: new OutcomeRecorder(deps.runId !== undefined ? { store: deps.store, runId: deps.runId } : null, deps.onOutcome),
    destinations: destinationsFor(plan.router, deps),
    held: [],
  };
  state.recorder.counts.selected = survey.totals.count;
  await sendAll(state);
  await retryHeld(state);
  await state.recorder.flush();
  if (state.fatal) throw state.fatal;
  return {
    ...state.recorder.counts,
    runId: deps.runId ?? null,
    unrouted: survey.unrouted,
    destinations: plan.router.destinations.map((d) => dsnToString(d)),
    dryRun: plan.dryRun,
    stopped: stop.signal.aborted,
  };
}

// --- internal ---

async function loadBodies(store: Store, ids: number[]): Promise<Map<number, EnvelopeRecord>> {
  const out = new Map<number, EnvelopeRecord>();
  for await (const record of store.iterateEnvelopes({ ids, order: 'asc' }, ids.length)) out.set(record.id, record);
  return out;
}

function destinationsFor(router: Router, deps: ReplayDeps): Map<string, Destination> {
  const budget = createRetryBudget(RETRIES_PER_RUN);
  const sleep = (ms: number) => deps.clock.sleep(ms);
  return new Map(
    router.destinations.map((dsn) => {
      const key = dsnToString(dsn, true);
      return [key, createDestination(dsn, { client: deps.client, fetch: deps.fetch, budget, sleep, limits: deps.rateLimits?.(key) })];
    }),
  );
}

function rateLimited(record: EnvelopeRecord, dest: Destination, deltaSeconds: number, at: number, holds: number, categories: string[]): DeliveryOutcome {
  const what = categories.length ? categories.join(', ') : 'all categories';
  return {
    envelopeId: record.id,
    destination: dest.label,
    mainType: record.mainType,
    title: record.title,
    oldEventId: record.eventId,
    deltaSeconds,
    at,
    outcome: 'rate_limited',
    httpStatus: null,
    reason: `held: ${dest.label} rate-limits ${what}; not sent in this run (held ${holds} time${holds === 1 ? '' : 's'})`,
    attempts: 0,
    newEventId: null,
    newTraceId: null,
  };
}

/** One delivery of one envelope to one destination, as a dispatcher job; `holds` counts earlier holds. */
function deliveryJob(state: RunState, record: EnvelopeRecord, delta: number, dest: Destination, holds: number) {
  const { recorder, plan, deps } = state;
  return async () => {
    const result = await deliver(record, dest, delta, state.ctx);
    if (result.send) recorder.response(result.send.status);
    if (result.send?.undertakerStore && result.send.undertakerStore === deps.guard?.storeFingerprint && !plan.force) {
      state.fatal ??= new ConfigError(selfReplayMessage(dest.dsn, 'the Undertaker there stores into the database this replay reads'));
      state.stop.abort();
    }
    if (result.kind === 'done') {
      const waited = holds > 0 && result.outcome.outcome === 'accepted';
      return recorder.record(waited ? { ...result.outcome, reason: `sent after waiting for a rate limit (attempt ${holds + 1})` } : result.outcome);
    }
    if (holds + 1 < MAX_HOLDS) return void state.held.push({ id: record.id, delta, dest, until: result.until, holds: holds + 1 });
    recorder.record(rateLimited(record, dest, delta, deps.clock.now(), holds + 1, result.categories));
  };
}

/** The main pass, in plan order: each page's send offsets, time deltas and bodies, then its sends. */
async function sendAll(state: RunState): Promise<void> {
  const { deps, plan, survey, stop, dispatcher } = state;
  const offsetOf = createOffsetPlanner(survey.totals, plan.pacing);
  const traces = new TraceTimings(deps.store, selectionFilter(plan.filter, survey), plan.router);
  const lead = plan.leadSeconds ?? DEFAULT_LEAD_SECONDS;
  let k = 0;
  for await (const page of selectedPages(deps.store, plan.filter, plan.router, survey, PAGE)) {
    if (stop.signal.aborted) break;
    await traces.prepare(page.map((s) => s.row));
    const bodies = await loadBodies(deps.store, page.map((s) => s.row.id));
    for (const { row, route } of page) {
      // Every selected envelope takes its place in the plan, even one deleted since the survey.
      const offset = offsetOf(k++, row.receivedAt);
      const delta = groupDelta(traces.timing(row, offset), survey.totals, plan.pacing, state.startMs, lead);
      const record = bodies.get(row.id);
      if (!record) continue;
      for (const dsn of route.destinations) {
        const dest = state.destinations.get(dsnToString(dsn, true))!;
        if (!(await dispatcher.start(state.startMs + offset, deliveryJob(state, record, delta, dest, 0)))) break;
      }
    }
  }
  await dispatcher.drain();
}

/**
 * Waits for held envelopes' limits to pass and sends them again, as long as the limit ends within
 * the run's wait budget; the rest are reported rate_limited (they stay stored for the next run).
 */
async function retryHeld(state: RunState): Promise<void> {
  const { deps, held, stop, dispatcher } = state;
  const { clock } = deps;
  const deadline = clock.now() + state.plan.maxWaitMs;
  while (held.length) {
    held.sort((a, b) => a.until - b.until);
    const next = held[0]!;
    if (stop.signal.aborted || next.until > deadline) break;
    deps.onWait?.({ until: next.until, envelopes: held.length });
    await clock.sleep(next.until - clock.now(), stop.signal);
    if (stop.signal.aborted) break;
    const due = held.splice(0, held.findLastIndex((h) => h.until <= clock.now()) + 1);
    for (const [i, h] of due.entries()) {
      const record = await deps.store.getEnvelope(h.id);
      if (!record) continue;
      if (!(await dispatcher.start(clock.now(), deliveryJob(state, record, h.delta, h.dest, h.holds)))) {
        held.push(...due.slice(i));
        break;
      }
    }
    await dispatcher.drain();
  }
  for (const h of held.splice(0)) {
    const record = await deps.store.getEnvelope(h.id);
    if (!record) continue;
    const limited = h.dest.limits.check(record.itemTypes, clock.now()).limited;
    state.recorder.record(rateLimited(record, h.dest, h.delta, clock.now(), h.holds, limited));
  }
}

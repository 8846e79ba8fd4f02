/**
 * A run's selection, streamed: a first pass over index rows counts what is routed and gathers the
 * plan totals; the second pass walks the same rows again, page by page, with each trace's newest
 * timestamp looked up through the trace index. Memory stays flat in the number of envelopes.
 */
import type { EnvelopeFilter, EnvelopePlanRow, Store } from '../store/index.ts';
import type { Route, Router } from './routing.ts';
import { addToTotals, emptyTotals, type GroupTiming, type PlanEntry, type PlanTotals } from './timing.ts';

/** What the first pass learns about a selection. */
export interface Survey {
  totals: PlanTotals;
  /** Id of the last selected envelope: the second pass and trace lookups stop there. */
  lastId: number;
  /** Envelopes matching the filters that no route sends anywhere. */
  unrouted: number;
  /** Deliveries to make (envelopes × their destinations). */
  deliveries: number;
}

export interface Selected {
  row: EnvelopePlanRow;
  route: Route;
}

const SURVEY_PAGE = 1000;
/** Trace ids per lookup query (SQLite's bound-parameter limit is far above). */
const TRACE_CHUNK = 500;

/** First pass: routes every matching row in capture order up to the filter's limit, keeping only totals. */
export async function surveySelection(store: Store, filter: EnvelopeFilter, router: Router): Promise<Survey> {
  const survey: Survey = { totals: emptyTotals(), lastId: 0, unrouted: 0, deliveries: 0 };
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  if (limit <= 0) return survey;
  for await (const page of planPages(store, filter, SURVEY_PAGE)) {
    for (const row of page) {
      const route = router.route(row);
      if (!route) {
        survey.unrouted++;
        continue;
      }
      addToTotals(survey.totals, planEntry(row));
      survey.deliveries += route.destinations.length;
      survey.lastId = row.id;
      if (survey.totals.count >= limit) return survey;
    }
  }
  return survey;
}

/** Second pass: the selected rows with their routes, in capture order, `pageSize` rows at a time. */
export async function* selectedPages(store: Store, filter: EnvelopeFilter, router: Router, survey: Survey, pageSize: number): AsyncGenerator<Selected[]> {
  let left = survey.totals.count;
  if (left === 0) return;
  for await (const page of planPages(store, selectionFilter(filter, survey), pageSize)) {
    const selected: Selected[] = [];
    for (const row of page) {
      const route = router.route(row);
      if (route && left-- > 0) selected.push({ row, route });
    }
    if (selected.length) yield selected;
    if (left <= 0) return;
  }
}

/** The selection as a filter: the run's filters, bounded by the last selected id instead of a count. */
export function selectionFilter(filter: EnvelopeFilter, survey: Survey): EnvelopeFilter {
  const { limit: _limit, order: _order, ...rest } = filter;
  return { ...rest, beforeId: Math.min(filter.beforeId ?? Number.POSITIVE_INFINITY, survey.lastId + 1) };
}

export function planEntry(row: EnvelopePlanRow): PlanEntry {
  return { receivedAt: row.receivedAt, newestMs: row.eventTs ?? row.receivedAt, group: row.traceId ?? `#${row.id}` };
}

/**
 * Each trace's newest timestamp and first send offset, for rows met in capture order. A trace is
 * looked up once, when its first selected envelope comes, and kept only until its last one has
 * passed, so what is held is the traces still open at the current position, not every trace.
 */
export class TraceTimings {
  readonly #open = new Map<string, GroupTiming & { lastId: number }>();
  #found = new Map<string, { newest: number; lastId: number }>();

  constructor(
    private readonly store: Store,
    private readonly selection: EnvelopeFilter,
    private readonly router: Router,
  ) {}

  /** Looks up the traces of a page that are not open yet (one indexed query per 500 traces). */
  async prepare(rows: readonly EnvelopePlanRow[]): Promise<void> {
    this.#found = new Map();
    const wanted = [...new Set(rows.map((r) => r.traceId).filter((t): t is string => t !== null && !this.#open.has(t)))];
    for (let i = 0; i < wanted.length; i += TRACE_CHUNK) {
      const members = await this.store.listPlanRows({ ...this.selection, traceIds: wanted.slice(i, i + TRACE_CHUNK) });
      for (const m of members) {
        // Only what the run sends counts, as when the whole selection was grouped in memory.
        if (!this.router.route(m)) continue;
        const agg = this.#found.get(m.traceId!) ?? { newest: Number.NEGATIVE_INFINITY, lastId: 0 };
        agg.newest = Math.max(agg.newest, m.eventTs ?? m.receivedAt);
        agg.lastId = Math.max(agg.lastId, m.id);
        this.#found.set(m.traceId!, agg);
      }
    }
  }

  /** The group timing of a row (prepared in its page), given the row's own send offset. */
  timing(row: EnvelopePlanRow, offset: number): GroupTiming {
    const entry = planEntry(row);
    if (row.traceId === null) return { newest: entry.newestMs, firstOffset: offset };
    const open = this.#open.get(row.traceId);
    if (open) {
      if (row.id >= open.lastId) this.#open.delete(row.traceId);
      return open;
    }
    // The trace's first selected envelope (a row deleted since the survey falls back to itself).
    const found = this.#found.get(row.traceId);
    const timing = { newest: found?.newest ?? entry.newestMs, firstOffset: offset, lastId: found?.lastId ?? row.id };
    if (timing.lastId > row.id) this.#open.set(row.traceId, timing);
    return timing;
  }

  /** Traces held right now (for tests: it must not grow with the number of envelopes). */
  get openTraces(): number {
    return this.#open.size;
  }
}

// --- internal ---

/** Rows matching `filter` in capture order, a page at a time; `filter.limit` is left to the caller. */
async function* planPages(store: Store, filter: EnvelopeFilter, pageSize: number): AsyncGenerator<EnvelopePlanRow[]> {
  let afterId = filter.afterId;
  for (;;) {
    const rows = await store.listPlanRows({ ...filter, afterId, limit: pageSize });
    if (rows.length) yield rows;
    const last = rows.at(-1)?.id;
    // A page that does not move forward would loop for ever: stop instead.
    if (rows.length < pageSize || last === undefined || (afterId !== undefined && last <= afterId)) return;
    afterId = last;
  }
}

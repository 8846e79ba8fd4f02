/**
 * When each envelope is sent (pacing plan) and how far its timestamps move (time plan).
 * Pure: the run hands in the selected envelopes' receive times and trace groups, either as arrays
 * (planOffsets, planDeltas) or one entry at a time (totals, offset planner, groupDelta), so a run
 * over millions of envelopes plans without holding them.
 *
 * Time rule (one delta per trace group, so a trace stays linked; whole seconds):
 * - pace "now" without --spread: the run's newest timestamp lands `lead` s before the run's start;
 *   every group keeps its offset from it if it is less than one day older, and older groups move
 *   forward by whole days until they are (same time of day, within the last 24 h).
 * - recorded pace or --spread: each group's newest timestamp lands `lead` s before the planned
 *   send time of the group's first envelope, so data appears as it is sent.
 * Either way no timestamp is later than `lead` s before the moment its envelope is sent.
 */
export const DAY_SECONDS = 86_400;

export interface PlanEntry {
  /** Receive time, epoch ms. */
  receivedAt: number;
  /** Newest timestamp inside the envelope (or its receive time), epoch ms. */
  newestMs: number;
  /** Trace id, or a key unique to the envelope when it has none. */
  group: string;
}

export interface Pacing {
  mode: 'now' | 'recorded';
  /** Recorded pace: original gaps divided by this. */
  speed: number;
  /** Spread the sends over this long (with recorded pace: the recording scaled to fit). */
  spreadMs?: number;
}

/**
 * What the plan needs to know about the whole selection before the first send. A run gathers it
 * in one streaming pass (`addToTotals` in entry order), so no per-entry state is kept.
 */
export interface PlanTotals {
  count: number;
  /** Receive time of the first entry. */
  firstReceivedAt: number;
  /** Latest receive time of any entry. */
  lastReceivedAt: number;
  /** The newest `newestMs` of any entry (the run's newest timestamp). */
  newestMs: number;
}

export function emptyTotals(): PlanTotals {
  return { count: 0, firstReceivedAt: 0, lastReceivedAt: Number.NEGATIVE_INFINITY, newestMs: Number.NEGATIVE_INFINITY };
}

export function addToTotals(totals: PlanTotals, e: PlanEntry): void {
  if (totals.count++ === 0) totals.firstReceivedAt = e.receivedAt;
  totals.lastReceivedAt = Math.max(totals.lastReceivedAt, e.receivedAt);
  totals.newestMs = Math.max(totals.newestMs, e.newestMs);
}

/**
 * The send offset (ms after the run's start) of each entry, called once per entry in entry order
 * with its 0-based position and receive time.
 */
export function createOffsetPlanner(totals: PlanTotals, pacing: Pacing): (k: number, receivedAt: number) => number {
  const n = totals.count;
  if (pacing.mode === 'now') {
    const spread = pacing.spreadMs;
    return (k) => (spread ? Math.floor((k * spread) / n) : 0);
  }
  // Recorded: gaps between receive times; a clock step backwards counts as no gap.
  const first = totals.firstReceivedAt;
  const span = Math.max(first, totals.lastReceivedAt) - first;
  const scale = pacing.spreadMs !== undefined ? (span > 0 ? pacing.spreadMs / span : 0) : 1 / pacing.speed;
  let latest = first;
  return (_k, receivedAt) => {
    latest = Math.max(latest, receivedAt);
    return Math.floor((latest - first) * scale);
  };
}

/** A trace group as the delta needs it: its newest timestamp and its first entry's send offset. */
export interface GroupTiming {
  newest: number;
  firstOffset: number;
}

/** Seconds to add to every timestamp of a group's entries (see the module comment). */
export function groupDelta(group: GroupTiming, totals: PlanTotals, pacing: Pacing, startMs: number, leadSeconds: number): number {
  const sendAligned = pacing.mode === 'recorded' || pacing.spreadMs !== undefined;
  if (sendAligned) return Math.floor((startMs + group.firstOffset - group.newest) / 1000 - leadSeconds);
  const runDelta = Math.floor((startMs - totals.newestMs) / 1000 - leadSeconds);
  const ageSeconds = (totals.newestMs - group.newest) / 1000;
  return runDelta + Math.floor(ageSeconds / DAY_SECONDS) * DAY_SECONDS;
}

/** Planned send offset (ms after the run's start) of each entry, in entry order. */
export function planOffsets(entries: readonly PlanEntry[], pacing: Pacing): number[] {
  const totals = totalsOf(entries);
  const next = createOffsetPlanner(totals, pacing);
  return entries.map((e, k) => next(k, e.receivedAt));
}

/** Seconds to add to every timestamp of each entry, in entry order (see the module comment). */
export function planDeltas(entries: readonly PlanEntry[], offsets: readonly number[], pacing: Pacing, startMs: number, leadSeconds: number): number[] {
  const groups = new Map<string, GroupTiming>();
  entries.forEach((e, i) => {
    const g = groups.get(e.group);
    if (!g) groups.set(e.group, { newest: e.newestMs, firstOffset: offsets[i] ?? 0 });
    else g.newest = Math.max(g.newest, e.newestMs);
  });
  const totals = totalsOf(entries);
  return entries.map((e) => groupDelta(groups.get(e.group)!, totals, pacing, startMs, leadSeconds));
}

// --- internal ---

function totalsOf(entries: readonly PlanEntry[]): PlanTotals {
  const totals = emptyTotals();
  for (const e of entries) addToTotals(totals, e);
  return totals;
}

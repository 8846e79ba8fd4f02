/**
 * When each envelope is sent (pacing plan) and how far its timestamps move (time plan).
 * Pure: the run hands in the selected envelopes' receive times and trace groups.
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

/** Planned send offset (ms after the run's start) of each entry, in entry order. */
export function planOffsets(entries: readonly PlanEntry[], pacing: Pacing): number[] {
  const n = entries.length;
  if (n === 0) return [];
  if (pacing.mode === 'now') {
    const spread = pacing.spreadMs;
    return entries.map((_, k) => (spread ? Math.floor((k * spread) / n) : 0));
  }
  // Recorded: gaps between receive times; a clock step backwards counts as no gap.
  let latest = entries[0]!.receivedAt;
  const elapsed = entries.map((e) => {
    latest = Math.max(latest, e.receivedAt);
    return latest - entries[0]!.receivedAt;
  });
  const span = elapsed[n - 1]!;
  const scale = pacing.spreadMs !== undefined ? (span > 0 ? pacing.spreadMs / span : 0) : 1 / pacing.speed;
  return elapsed.map((ms) => Math.floor(ms * scale));
}

/** Seconds to add to every timestamp of each entry, in entry order (see the module comment). */
export function planDeltas(entries: readonly PlanEntry[], offsets: readonly number[], pacing: Pacing, startMs: number, leadSeconds: number): number[] {
  const groups = new Map<string, { newest: number; firstOffset: number }>();
  entries.forEach((e, i) => {
    const g = groups.get(e.group);
    if (!g) groups.set(e.group, { newest: e.newestMs, firstOffset: offsets[i] ?? 0 });
    else g.newest = Math.max(g.newest, e.newestMs);
  });
  const sendAligned = pacing.mode === 'recorded' || pacing.spreadMs !== undefined;
  if (sendAligned) {
    return entries.map((e) => {
      const g = groups.get(e.group)!;
      return Math.floor((startMs + g.firstOffset - g.newest) / 1000 - leadSeconds);
    });
  }
  let runNewest = Number.NEGATIVE_INFINITY;
  for (const g of groups.values()) runNewest = Math.max(runNewest, g.newest);
  const runDelta = Math.floor((startMs - runNewest) / 1000 - leadSeconds);
  return entries.map((e) => {
    const ageSeconds = (runNewest - groups.get(e.group)!.newest) / 1000;
    return runDelta + Math.floor(ageSeconds / DAY_SECONDS) * DAY_SECONDS;
  });
}

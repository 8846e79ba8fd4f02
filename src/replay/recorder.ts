/**
 * Counts a run's delivery outcomes and, when the run has a history row, writes them to the
 * store in small batches with the run's counters, so a running replay's progress is visible.
 */
import type { NewReplayOutcome, ReplayCounts, ReplayHistoryStore } from '../store/index.ts';

/** One delivery's outcome with what the CLI prints about it. */
export interface DeliveryOutcome extends NewReplayOutcome {
  mainType: string;
  title: string | null;
  deltaSeconds: number;
}

/**
 * Pending outcomes are written once this many have gathered, or once the oldest has waited this
 * long: every write is a commit (an fsync), so a fast run batches and a slow one still shows
 * its progress within a moment.
 */
const FLUSH_EVERY = 500;
const FLUSH_AFTER_MS = 250;

export function emptyCounts(): ReplayCounts {
  return { selected: 0, sent: 0, accepted: 0, rejected: 0, failed: 0, skipped: 0, rateLimited: 0, byStatus: {} };
}

export class OutcomeRecorder {
  readonly counts = emptyCounts();
  /** The first history write that failed, if any. */
  writeError: Error | undefined;
  #pending: NewReplayOutcome[] = [];
  #pendingSince = 0;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly history: { store: ReplayHistoryStore; runId: number } | null,
    private readonly onOutcome?: (o: DeliveryOutcome) => void,
  ) {}

  /** A response arrived (or none did): counted per status, even when the envelope is retried later. */
  response(status: number | null): void {
    const key = status === null ? 'network' : String(status);
    this.counts.byStatus[key] = (this.counts.byStatus[key] ?? 0) + 1;
  }

  record(o: DeliveryOutcome): void {
    const c = this.counts;
    if (o.outcome === 'accepted') c.accepted++;
    else if (o.outcome === 'rejected') c.rejected++;
    else if (o.outcome === 'failed') c.failed++;
    else if (o.outcome === 'rate_limited') c.rateLimited++;
    else if (o.outcome === 'skipped') c.skipped++;
    if (o.attempts > 0) c.sent++;
    this.onOutcome?.(o);
    // Without a history row nothing is written, so nothing is kept either (a long run stays flat).
    if (!this.history) return;
    const { mainType: _m, title: _t, deltaSeconds: _d, ...row } = o;
    const now = Date.now();
    if (this.#pending.push(row) === 1) this.#pendingSince = now;
    if (this.#pending.length >= FLUSH_EVERY || now - this.#pendingSince >= FLUSH_AFTER_MS) void this.flush();
  }

  /** Writes pending outcomes and the counters; resolves when they are stored. */
  flush(): Promise<void> {
    const history = this.history;
    if (!history) return Promise.resolve();
    const batch = this.#pending;
    this.#pending = [];
    const counts = { ...this.counts, byStatus: { ...this.counts.byStatus } };
    // A history write that fails (database locked, disk full) must not stop the replay itself.
    this.#writing = this.#writing
      .then(async () => {
        await history.store.addReplayOutcomes(history.runId, batch);
        await history.store.updateReplayRun(history.runId, counts);
      })
      .catch((error) => {
        this.writeError ??= error as Error;
      });
    return this.#writing;
  }
}

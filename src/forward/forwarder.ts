/**
 * The forwarder: a loop in `serve` that delivers outbox rows upstream, one at a time and in
 * capture order per source (project id), sources side by side. A failing row holds the rows
 * behind it (backoff); rows held by a per-category rate limit are passed by other categories
 * (F28). It keeps the spool within its bounds (oldest shed first) and, on stop, drains for a
 * bounded time, leaving the rest for the next start.
 */
import type { SpoolBounds } from '../config/forward-config.ts';
import { type Clock, systemClock } from '../replay/pacing.ts';
import type { Logger } from '../shared/logger.ts';
import type { OutboxRow, OutboxStats, Store } from '../store/types.ts';
import { createUpstream, type DeliveryContext, deliverRow, type RowResult, type Upstream } from './deliver.ts';
import { createLeaseKeeper } from './lease.ts';
import { createLoop } from './loop.ts';
import { backoffMs } from './request.ts';
import { shedSpool } from './spool.ts';

export interface ForwarderOptions {
  store: Pick<
    Store,
    'outboxSources' | 'listOutbox' | 'outboxBody' | 'getEnvelope' | 'deleteOutbox' | 'deferOutbox' | 'parkOutbox' | 'outboxStats' | 'shedOutbox' | 'outboxLease' | 'claimOutbox' | 'releaseOutbox'
  >;
  logger: Logger;
  spool: SpoolBounds;
  client: string;
  clock?: Clock;
  fetch?: typeof fetch;
  gzip?: boolean;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Sources delivered side by side. */
  concurrency?: number;
  /** Idle poll interval. */
  pollMs?: number;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** How often the spool bounds are enforced and the /health numbers refreshed. */
  statsEveryMs?: number;
  ownStore?: string;
  /** Lease owner name (lease.ts); tests set it, and whether another owner is alive. */
  leaseOwner?: string;
  holderAlive?: (owner: string) => boolean;
}

/** The numbers `/health` reports under `outbox`. */
export interface ForwarderHealth {
  depth: number;
  bytes: number;
  parked: number;
  oldest_age_ms: number | null;
  shed: number;
  delivered: number;
}

export interface PassReport {
  attempted: number;
  delivered: number;
  /** Rows seen that are still waiting (held, backing off, or more than one page). */
  pending: number;
  /** The earliest time a waiting row may be tried (Infinity when none). */
  wakeAt: number;
}

export interface Forwarder {
  /** One pass over every source; exposed for tests, which drive it with a fake clock. */
  pass(): Promise<PassReport>;
  /** Enforces the spool bounds now and refreshes the health numbers. */
  refresh(): Promise<void>;
  start(): void;
  /** Delivers for at most `timeoutMs` more (backoff waits are cut short once), then stops; rows left stay. */
  stop(timeoutMs: number): Promise<{ left: number }>;
  health(): ForwarderHealth;
}

const PAGE = 100;

export function createForwarder(opts: ForwarderOptions): Forwarder {
  const clock = opts.clock ?? systemClock;
  const { store, logger } = opts;
  const upstreams = new Map<string, Upstream | Error>();
  const failing = new Map<number, number>();
  const counts = { shed: 0, delivered: 0 };
  let stats: OutboxStats = { rows: 0, bytes: 0, parked: 0, oldestCreatedAt: null };
  let refreshedAt = Number.NEGATIVE_INFINITY;
  let retryNow = false;
  let hard = new AbortController();
  const ctx: DeliveryContext = {
    store,
    fetch: opts.fetch ?? fetch,
    now: () => clock.now(),
    gzip: opts.gzip ?? true,
    timeoutMs: opts.timeoutMs ?? 30_000,
    signal: hard.signal,
    backoffMs: (attempts) => backoffMs(attempts, opts.baseBackoffMs ?? 1000, opts.maxBackoffMs ?? 30_000),
    ownStore: opts.ownStore,
  };

  const timeoutMs = ctx.timeoutMs;
  const lease = createLeaseKeeper({
    store,
    clock,
    logger,
    ttlMs: timeoutMs + 15_000,
    renewBelowMs: timeoutMs + 5_000,
    owner: opts.leaseOwner,
    holderAlive: opts.holderAlive,
  });

  const refresh = async () => {
    // Only the process that delivers sheds; every one reports the numbers.
    if (await lease.hold()) counts.shed += await shedSpool(store, opts.spool, clock.now(), logger);
    stats = await store.outboxStats();
    refreshedAt = clock.now();
  };

  const upstreamOf = (text: string) => {
    if (!upstreams.has(text)) {
      try {
        upstreams.set(text, createUpstream(text, opts.client, ctx.gzip));
      } catch (error) {
        upstreams.set(text, error as Error);
      }
    }
    return upstreams.get(text)!;
  };

  const deliverSource = async (projectId: number, report: PassReport, eager: boolean) => {
    const rows = await store.listOutbox(projectId, PAGE);
    let finished = 0;
    for (const row of rows) {
      if (hard.signal.aborted || !(await lease.hold())) break;
      const now = clock.now();
      // Only a row that failed waits with a future time; the rows behind it wait with it (order per source).
      if (row.nextAttemptAt > now && !eager) {
        report.wakeAt = Math.min(report.wakeAt, row.nextAttemptAt);
        break;
      }
      const upstream = upstreamOf(row.upstream);
      if (upstream instanceof Error) {
        await store.parkOutbox(row.id, `invalid upstream DSN: ${upstream.message}`);
        finished++;
        continue;
      }
      const check = upstream.limits.checkCategories(row.categories, now);
      if (check.limited.length) {
        report.wakeAt = Math.min(report.wakeAt, check.until);
        continue;
      }
      report.attempted++;
      const result = await deliverRow(row, upstream, ctx);
      note(result, row, upstream);
      if (result.kind === 'delivered') report.delivered++;
      if (result.kind === 'delivered' || result.kind === 'parked' || result.kind === 'gone') finished++;
      if (result.kind === 'held') report.wakeAt = Math.min(report.wakeAt, result.until);
      if (result.kind === 'retry') {
        report.wakeAt = Math.min(report.wakeAt, result.nextAttemptAt);
        break;
      }
      if (result.kind === 'aborted') break;
    }
    report.pending += rows.length - finished + (rows.length === PAGE ? 1 : 0);
  };

  const note = (result: RowResult, row: OutboxRow, upstream: Upstream) => {
    const source = `project ${row.projectId} to ${upstream.label}`;
    if (result.kind === 'delivered') {
      counts.delivered++;
      const failures = failing.get(row.projectId);
      if (failures !== undefined) logger.info(`forwarding ${source} works again after ${failures} failed attempt(s)`);
      failing.delete(row.projectId);
    } else if (result.kind === 'retry') {
      if (!failing.has(row.projectId)) {
        logger.warn(`forwarding ${source} failed (${result.reason}); outbox row ${row.id} and the rows behind it wait, retrying with backoff (next in ${Math.round((result.nextAttemptAt - clock.now()) / 1000)} s)`);
      }
      failing.set(row.projectId, (failing.get(row.projectId) ?? 0) + 1);
    } else if (result.kind === 'held') {
      const what = result.categories.length ? result.categories.join(', ') : 'everything';
      logger.info(`${upstream.label} answered 429: holding ${what} until ${new Date(result.until).toISOString()}; held rows stay queued`);
    } else if (result.kind === 'parked') {
      logger.warn(`forwarding outbox row ${row.id} (${source}) refused for good: ${result.reason}; kept in the outbox with last_error and not retried`);
    } else if (result.kind === 'gone') {
      logger.warn(`outbox row ${row.id} (${source}) dropped: ${result.reason}`);
    }
  };

  const pass = async (): Promise<PassReport> => {
    if (clock.now() - refreshedAt >= (opts.statsEveryMs ?? 1000)) await refresh();
    // Another process delivers: nothing to do here (and nothing to drain), look again soon.
    if (!(await lease.hold())) return { attempted: 0, delivered: 0, pending: 0, wakeAt: clock.now() + 1000 };
    // At start and at stop, one pass tries every source at once, cutting backoff waits short.
    const eager = retryNow;
    retryNow = false;
    const report: PassReport = { attempted: 0, delivered: 0, pending: 0, wakeAt: Number.POSITIVE_INFINITY };
    const sources = await store.outboxSources();
    const workers = Array.from({ length: Math.min(opts.concurrency ?? 4, sources.length) }, async () => {
      for (let next = sources.shift(); next !== undefined; next = sources.shift()) await deliverSource(next, report, eager);
    });
    await Promise.all(workers);
    return report;
  };

  const loop = createLoop({ pass, clock, pollMs: opts.pollMs ?? 250, logger });

  return {
    pass,
    refresh,
    start() {
      retryNow = true;
      loop.start();
    },
    async stop(timeoutMs) {
      retryNow = true;
      const timer = setTimeout(() => hard.abort(), timeoutMs);
      await loop.drain(clock.now() + timeoutMs, hard.signal);
      clearTimeout(timer);
      hard = new AbortController();
      ctx.signal = hard.signal;
      await lease.release();
      stats = await store.outboxStats();
      return { left: stats.rows };
    },
    health() {
      return {
        depth: stats.rows,
        bytes: stats.bytes,
        parked: stats.parked,
        oldest_age_ms: stats.oldestCreatedAt === null ? null : Math.max(0, clock.now() - stats.oldestCreatedAt),
        shed: counts.shed,
        delivered: counts.delivered,
      };
    },
  };
}

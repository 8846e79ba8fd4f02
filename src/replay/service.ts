/**
 * Starts replay runs with history: validates the options, creates the run's row (its id is the
 * marker tag's value), runs in the background and records how it ended. The CLI, the HTTP API and
 * the scheduler all go through here; rate limits are shared by every run of the process.
 */
import type { Logger } from '../shared/logger.ts';
import type { ReplayRunStatus, ReplayTrigger, Store } from '../store/index.ts';
import { assertNotOwnCapture } from './guard.ts';
import { type Label, type ReplayRequest, resolveReplayRequest } from './options.ts';
import { type Clock, systemClock } from './pacing.ts';
import { RateLimitState } from './rate-limits.ts';
import type { DeliveryOutcome } from './recorder.ts';
import { type ReplayReport, runReplay } from './run.ts';
import { MARKER_TAG } from './shaping.ts';

export interface ReplayServiceDeps {
  store: Store;
  /** `undertaker/<version>`: user agent and `sentry_client`. */
  client: string;
  /** This store's id (Store.storeId), for the own-capture-address check. */
  storeFingerprint: string;
  /** Listen addresses of the capture servers writing into this store (this process's, or store/presence.ts). */
  ownAddresses?: () => Array<{ host: string; port: number }>;
  /** Used when a request names neither a DSN nor a config (serve --replay-config). */
  defaultConfig?: string;
  clock?: Clock;
  fetch?: typeof fetch;
  logger?: Logger;
}

export interface StartOptions {
  trigger: ReplayTrigger;
  label: Label;
  signal?: AbortSignal;
  onOutcome?: (o: DeliveryOutcome) => void;
  onPlanned?: (deliveries: number) => void;
  onWait?: (info: { until: number; envelopes: number }) => void;
}

export interface StartedRun {
  runId: number;
  /** Resolves with the report once the run has ended and its history row is final; rejects if it failed. */
  done: Promise<ReplayReport>;
}

export interface ReplayService {
  /** Throws ConfigError (before anything is stored) when the options are wrong. */
  start(request: ReplayRequest, opts: StartOptions): Promise<StartedRun>;
  /** Asks every run in progress to stop and waits for them. */
  stopAll(): Promise<void>;
}

export function createReplayService(deps: ReplayServiceDeps): ReplayService {
  const clock = deps.clock ?? systemClock;
  const limits = new Map<string, RateLimitState>();
  const active = new Map<number, { stop: AbortController; done: Promise<unknown> }>();
  return {
    async start(request, opts) {
      const resolved = resolveReplayRequest(request, opts.label, deps.defaultConfig);
      // Refused before anything is stored, host names resolved (a run row only for a run that starts).
      if (!resolved.plan.force) await assertNotOwnCapture(resolved.plan.router.destinations, { storeFingerprint: deps.storeFingerprint, ownAddresses: deps.ownAddresses?.() ?? [] });
      const runId = await deps.store.createReplayRun({ startedAt: clock.now(), trigger: opts.trigger, options: resolved.summary });
      const plan = resolved.marker ? { ...resolved.plan, shaping: { ...resolved.plan.shaping, tags: [[MARKER_TAG, String(runId)] as [string, string], ...resolved.plan.shaping.tags] } } : resolved.plan;
      const stop = new AbortController();
      opts.signal?.addEventListener('abort', () => stop.abort(), { once: true });
      if (opts.signal?.aborted) stop.abort();
      const run = runReplay(
        {
          store: deps.store,
          clock,
          client: deps.client,
          fetch: deps.fetch,
          signal: stop.signal,
          runId,
          guard: { storeFingerprint: deps.storeFingerprint, ownAddresses: deps.ownAddresses?.() },
          rateLimits: (key) => limits.get(key) ?? limits.set(key, new RateLimitState()).get(key)!,
          onOutcome: opts.onOutcome,
          onPlanned: opts.onPlanned,
          onWait: opts.onWait,
        },
        plan,
      );
      const done = finish(deps, runId, run, clock).finally(() => active.delete(runId));
      active.set(runId, { stop, done: done.catch(() => {}) });
      return { runId, done };
    },
    async stopAll() {
      for (const run of active.values()) run.stop.abort();
      await Promise.all([...active.values()].map((r) => r.done));
    },
  };
}

/** The run's final status: stopped early, failed (an error, or any delivery not accepted), or succeeded. */
export function runStatus(report: ReplayReport): { status: ReplayRunStatus; error: string | null } {
  const problems = [
    [report.rejected, 'rejected'],
    [report.failed, 'failed'],
    [report.rateLimited, 'rate limited'],
    [report.skipped, 'skipped'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n} ${what}`);
  const error = problems.length ? problems.join(', ') : null;
  return { status: report.stopped ? 'stopped' : error ? 'failed' : 'succeeded', error };
}

// --- internal ---

async function finish(deps: ReplayServiceDeps, runId: number, run: Promise<ReplayReport>, clock: Clock): Promise<ReplayReport> {
  try {
    const report = await run;
    await deps.store.updateReplayRun(runId, { ...runStatus(report), finishedAt: clock.now() });
    return report;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    deps.logger?.error(`replay run ${runId} failed: ${message}`);
    await deps.store.updateReplayRun(runId, { status: 'failed', error: message, finishedAt: clock.now() }).catch(() => {});
    throw error;
  }
}

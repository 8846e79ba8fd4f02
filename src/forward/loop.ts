/**
 * The forwarder's loop: passes back to back while they do work, else a sleep until the next due row
 * or the poll interval; on drain, passes until nothing more can go before the deadline.
 */
import type { Clock } from '../replay/pacing.ts';
import type { Logger } from '../shared/logger.ts';
import type { PassReport } from './forwarder.ts';

/** Runs passes back to back while they do work, else sleeps until the next due row or the poll interval. */
export function createLoop(deps: { pass: () => Promise<PassReport>; clock: Clock; pollMs: number; logger: Logger }) {
  let running: Promise<void> | null = null;
  let deadline = Number.POSITIVE_INFINITY;
  let stopped: AbortSignal | null = null;
  let wake = new AbortController();

  const finished = (report: PassReport) => {
    if (stopped?.aborted) return true;
    // Draining: done when nothing is left that could go before the deadline.
    return deadline !== Number.POSITIVE_INFINITY && report.attempted === 0 && (report.pending === 0 || report.wakeAt > deadline);
  };

  const run = async () => {
    let failed = false;
    for (;;) {
      if (stopped?.aborted || deps.clock.now() >= deadline) return;
      let report: PassReport = { attempted: 0, delivered: 0, pending: 0, wakeAt: Number.POSITIVE_INFINITY };
      try {
        report = await deps.pass();
        failed = false;
      } catch (error) {
        // Logged once per run of failures (a database that cannot be read fails every pass).
        if (!failed) deps.logger.error(`forwarding pass failed: ${(error as Error).message}; trying again every ${deps.pollMs} ms`);
        failed = true;
      }
      if (finished(report) || deps.clock.now() >= deadline) return;
      if (report.attempted > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const wait = Math.max(0, Math.min(deps.pollMs, report.wakeAt - deps.clock.now(), deadline - deps.clock.now()));
      await deps.clock.sleep(wait, wake.signal);
    }
  };

  return {
    start() {
      running ??= run();
    },
    async drain(until: number, signal: AbortSignal) {
      if (!running) return;
      deadline = until;
      stopped = signal;
      signal.addEventListener('abort', () => wake.abort(), { once: true });
      wake.abort();
      wake = new AbortController();
      await running;
      running = null;
    },
  };
}

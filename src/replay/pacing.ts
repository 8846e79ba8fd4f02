/**
 * The send dispatcher: starts each job no earlier than its planned time, no faster than the rate
 * (`--rate`), with at most `concurrency` jobs in flight. The clock is injected so tests run
 * minutes of pacing in no real time.
 */
export interface Clock {
  now(): number;
  /** Resolves after ms, or early when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** setTimeout fires at once above 2^31-1 ms (~24.8 days); longer waits are chained. */
const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal): Promise<void> =>
    ms > MAX_TIMER_MS
      ? systemClock.sleep(MAX_TIMER_MS, signal).then(() => (signal?.aborted ? undefined : systemClock.sleep(ms - MAX_TIMER_MS, signal)))
      : new Promise((resolve) => {
      if (ms <= 0 || signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export interface DispatcherOptions {
  clock: Clock;
  concurrency: number;
  /** Sends per second; undefined for no limit. */
  ratePerSecond?: number;
  /** Aborting stops waiting; jobs already started run to completion. */
  signal?: AbortSignal;
}

export interface Dispatcher {
  /**
   * Waits for the planned time, a rate slot and a concurrency slot, then starts the job.
   * Resolves false (without starting it) when stopped while waiting.
   */
  start(at: number, job: () => Promise<void>): Promise<boolean>;
  /** Resolves when every started job has finished. */
  drain(): Promise<void>;
}

export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const { clock, signal } = opts;
  const inFlight = new Set<Promise<void>>();
  const interval = opts.ratePerSecond ? 1000 / opts.ratePerSecond : 0;
  let lastStart = Number.NEGATIVE_INFINITY;
  const waitUntil = async (at: number) => {
    const wait = at - clock.now();
    if (wait > 0) await clock.sleep(wait, signal);
  };
  return {
    async start(at, job) {
      await waitUntil(at);
      while (inFlight.size >= opts.concurrency && !signal?.aborted) await Promise.race(inFlight);
      if (interval) await waitUntil(lastStart + interval);
      if (signal?.aborted) return false;
      lastStart = clock.now();
      const running: Promise<void> = job()
        .catch(() => {})
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
      return true;
    },
    async drain() {
      while (inFlight.size) await Promise.race(inFlight);
    },
  };
}

/** Parses `--rate`: `N/s`, `N/m`, `N/h`, or a bare number per second. Null when malformed. */
export function parseRate(text: string | number): number | null {
  if (typeof text === 'number') return text > 0 && Number.isFinite(text) ? text : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|m|h))?\s*$/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]) / ({ s: 1, m: 60, h: 3600 }[(m[2] ?? 's').toLowerCase() as 's' | 'm' | 'h'] ?? 1);
  return n > 0 ? n : null;
}

/**
 * A single-flight schedule loop: a run never overlaps the next, a failing run is reported and the
 * schedule goes on, and stop() waits for the run in progress. `startEvery` runs at a fixed rate;
 * `startSchedule` takes any "next time" rule (cron.ts gives one for cron expressions).
 */
export interface Schedule {
  /** Stops scheduling; resolves once the run in progress (if any) has finished. */
  stop(): Promise<void>;
  /** Resolves when the loop has ended (after stop()). */
  done: Promise<void>;
}

export interface ScheduleOptions {
  /**
   * The next start time (epoch ms) given the previous run's planned start and the time now;
   * null ends the schedule. Called with `previous: null` for the first run.
   */
  next: (previous: number | null, now: number) => number | null;
  /** Receives the stop signal: a run should finish what it has in flight and return. */
  run: (signal: AbortSignal) => Promise<void>;
  onError: (error: unknown) => void;
  /** Called with the time of the next run after each one. */
  onIdle?: (nextAt: Date) => void;
  now?: () => number;
  /** Injected for tests; resolves after ms or when aborted. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface EveryOptions extends Omit<ScheduleOptions, 'next'> {
  everyMs: number;
}

export function startSchedule(opts: ScheduleOptions): Schedule {
  const abort = new AbortController();
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? abortableSleep;
  const loop = async () => {
    let planned = opts.next(null, now());
    while (planned !== null && !abort.signal.aborted) {
      const wait = planned - now();
      if (wait > 0) {
        opts.onIdle?.(new Date(planned));
        await sleep(wait, abort.signal);
        if (abort.signal.aborted) break;
      }
      try {
        await opts.run(abort.signal);
      } catch (error) {
        opts.onError(error);
      }
      planned = opts.next(planned, now());
    }
  };
  const done = loop();
  return {
    done,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

/**
 * Runs now, then every `everyMs` at a fixed rate: the next run starts one interval after the
 * previous one started, or at the next interval boundary when a run took longer (never two at once).
 */
export function startEvery(opts: EveryOptions): Schedule {
  return startSchedule({
    ...opts,
    next: (previous, now) => {
      if (previous === null) return now;
      let next = previous + opts.everyMs;
      while (next <= now) next += opts.everyMs;
      return next;
    },
  });
}

/** setTimeout fires at once for delays above 2^31-1 ms (~24.8 days), so long sleeps are chained. */
const MAX_TIMER_MS = 2_147_483_647;

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms > MAX_TIMER_MS) return abortableSleep(MAX_TIMER_MS, signal).then(() => (signal.aborted ? undefined : abortableSleep(ms - MAX_TIMER_MS, signal)));
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

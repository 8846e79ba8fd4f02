/**
 * A single-flight interval loop: a run never overlaps the next, a failing run is
 * reported and the schedule goes on, and stop() waits for the run in progress.
 */
export interface Schedule {
  /** Stops scheduling; resolves once the run in progress (if any) has finished. */
  stop(): Promise<void>;
  /** Resolves when the loop has ended (after stop()). */
  done: Promise<void>;
}

export interface EveryOptions {
  everyMs: number;
  run: () => Promise<void>;
  onError: (error: unknown) => void;
  /** Called with the time of the next run after each one. */
  onIdle?: (nextAt: Date) => void;
  now?: () => number;
  /** Injected for tests; resolves after ms or when aborted. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export function startEvery(opts: EveryOptions): Schedule {
  const abort = new AbortController();
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? abortableSleep;
  const loop = async () => {
    let next = now();
    while (!abort.signal.aborted) {
      try {
        await opts.run();
      } catch (error) {
        opts.onError(error);
      }
      // Fixed-rate: the next run starts one interval after the previous one started,
      // or right away when a run took longer than the interval (never concurrently).
      next += opts.everyMs;
      while (next <= now()) next += opts.everyMs;
      if (abort.signal.aborted) break;
      opts.onIdle?.(new Date(next));
      await sleep(next - now(), abort.signal);
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

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

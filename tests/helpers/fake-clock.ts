// A virtual clock for pacing, rate-limit and schedule tests: sleep() moves time forward instead of
// waiting, so minutes of Retry-After pass in no real time. Every sleep is recorded.
import type { Clock } from '../../src/replay/pacing.ts';

export interface FakeClock extends Clock {
  /** Every sleep asked for, in ms, in order. */
  sleeps: number[];
  set(ms: number): void;
}

export const T0 = Date.UTC(2026, 6, 15, 12, 0, 0);

export function createFakeClock(start = T0): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    async sleep(ms, signal) {
      sleeps.push(ms);
      if (signal?.aborted) return;
      const wake = t + Math.max(0, ms);
      await Promise.resolve();
      t = Math.max(t, wake);
    },
  };
}

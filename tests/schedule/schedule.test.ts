// The single-flight schedule loop on a virtual clock: fixed-rate intervals, cron matches, no
// overlap, failures survived, and stop() waiting for the run in progress.
import { describe, expect, it } from 'bun:test';
import { parseCron, startCron } from '../../src/schedule/cron.ts';
import { startEvery } from '../../src/schedule/every.ts';
import { ConfigError } from '../../src/shared/errors.ts';

const T0 = Date.UTC(2026, 6, 15, 12, 0, 30);

/** A virtual clock whose sleep jumps ahead; `runs` lists run start times (s after T0) and durations. */
function harness(durations: number[], stopAfter: number) {
  let t = T0;
  const starts: number[] = [];
  const errors: string[] = [];
  let inRun = 0;
  let overlapped = false;
  let stop: () => Promise<void> = async () => {};
  const run = async (signal: AbortSignal) => {
    if (inRun) overlapped = true;
    inRun++;
    const i = starts.push((t - T0) / 1000) - 1;
    t += (durations[i] ?? 0) * 1000;
    await Promise.resolve();
    inRun--;
    if (starts.length >= stopAfter) void stop();
    if (signal.aborted) return;
    if (durations[i] === -1) throw new Error(`run ${i} broke`);
  };
  const common = {
    run,
    onError: (e: unknown) => errors.push((e as Error).message),
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
  return { common, starts, errors, overlapped: () => overlapped, setStop: (s: () => Promise<void>) => (stop = s) };
}

describe('every', () => {
  it('runs at once, then at a fixed rate, skipping intervals a slow run overran, never overlapping', async () => {
    const h = harness([10, 130, 5, -1, 0], 5);
    const schedule = startEvery({ ...h.common, everyMs: 60_000 });
    h.setStop(schedule.stop);
    await schedule.done;
    expect(h.starts).toEqual([0, 60, 240, 300, 360]);
    expect(h.errors).toEqual(['run 3 broke']);
    expect(h.overlapped()).toBe(false);
  });
});

describe('cron', () => {
  it('runs at each match after now (not at once) and skips matches a run overran', async () => {
    const h = harness([10, 400, 0, 0], 4);
    const schedule = startCron({ ...h.common, expression: '*/5 * * * *', timezone: 'UTC' });
    h.setStop(schedule.stop);
    await schedule.done;
    // T0 is 12:00:30 UTC: matches at 12:05, 12:10, then 12:20 (12:15 passed during the 400 s run), 12:25.
    expect(h.starts).toEqual([270, 570, 1170, 1470]);
    expect(h.overlapped()).toBe(false);
  });

  it('explains a bad expression with an example', () => {
    expect(() => parseCron('61 * * * *')).toThrow(ConfigError);
    expect(() => parseCron('every hour')).toThrow('--cron: "every hour" is not a cron expression (invalid configuration format');
    expect(() => parseCron('61 * * * *', '--replay-cron')).toThrow('--replay-cron: "61 * * * *" is not a cron expression (Invalid value for minute: 61); e.g. "0 * * * *" is every hour');
    expect(parseCron('0 * * * *', '--cron', 'UTC')(T0)).toBe(Date.UTC(2026, 6, 15, 13, 0, 0));
    expect(parseCron('0 9 * * *', '--cron', 'Asia/Kolkata')(T0)).toBe(Date.UTC(2026, 6, 16, 3, 30, 0));
  });
});

describe('stop', () => {
  it('waits for the run in progress, which sees the stop signal', async () => {
    let sawStop = false;
    let release: () => void = () => {};
    const schedule = startEvery({
      everyMs: 1000,
      onError: () => {},
      run: (signal) =>
        new Promise<void>((resolve) => {
          release = () => {
            sawStop = signal.aborted;
            resolve();
          };
        }),
    });
    await Bun.sleep(5);
    let stopped = false;
    const stopping = schedule.stop().then(() => (stopped = true));
    await Bun.sleep(5);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(sawStop).toBe(true);
  });
});

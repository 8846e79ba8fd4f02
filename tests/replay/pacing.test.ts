import { describe, expect, it } from 'bun:test';
import { createDispatcher, parseRate } from '../../src/replay/pacing.ts';
import { createFakeClock, T0 } from '../helpers/fake-clock.ts';

describe('dispatcher', () => {
  it('starts each job no earlier than its planned time', async () => {
    const clock = createFakeClock();
    const started: number[] = [];
    const d = createDispatcher({ clock, concurrency: 4 });
    for (const at of [0, 0, 1500, 90_000]) await d.start(T0 + at, async () => void started.push(clock.now() - T0));
    await d.drain();
    expect(started).toEqual([0, 0, 1500, 90_000]);
  });

  it('spaces starts by the rate', async () => {
    const clock = createFakeClock();
    const started: number[] = [];
    const d = createDispatcher({ clock, concurrency: 8, ratePerSecond: 4 });
    for (let i = 0; i < 5; i++) await d.start(T0, async () => void started.push(clock.now() - T0));
    await d.drain();
    expect(started).toEqual([0, 250, 500, 750, 1000]);
  });

  it('keeps at most `concurrency` jobs in flight', async () => {
    const clock = createFakeClock();
    let inFlight = 0;
    let most = 0;
    const d = createDispatcher({ clock, concurrency: 3 });
    for (let i = 0; i < 10; i++) {
      await d.start(T0, async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await Bun.sleep(2);
        inFlight--;
      });
    }
    await d.drain();
    expect(most).toBe(3);
    expect(inFlight).toBe(0);
  });

  it('stops waiting when aborted and lets started jobs finish', async () => {
    const clock = createFakeClock();
    const stop = new AbortController();
    let finished = 0;
    const d = createDispatcher({ clock, concurrency: 1, signal: stop.signal });
    expect(await d.start(T0, async () => void (await Bun.sleep(5), finished++))).toBe(true);
    stop.abort();
    expect(await d.start(T0 + 60_000, async () => void finished++)).toBe(false);
    await d.drain();
    expect(finished).toBe(1);
  });
});

describe('--rate', () => {
  it('reads per second, minute and hour', () => {
    expect(parseRate('10/s')).toBe(10);
    expect(parseRate('120/m')).toBe(2);
    expect(parseRate('1800/h')).toBe(0.5);
    expect(parseRate('2.5')).toBe(2.5);
    expect(parseRate(3)).toBe(3);
    for (const bad of ['fast', '0/s', '-1', '5/d', '']) expect(parseRate(bad)).toBeNull();
  });
});

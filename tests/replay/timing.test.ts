import { describe, expect, it } from 'bun:test';
import { DAY_SECONDS, type Pacing, type PlanEntry, planDeltas, planOffsets } from '../../src/replay/timing.ts';

const START = Date.UTC(2026, 6, 15, 12, 0, 0);
const NOW: Pacing = { mode: 'now', speed: 1 };
const HOUR = 3_600_000;
const DAY = 86_400_000;

function entry(receivedAt: number, group: string, newestMs = receivedAt): PlanEntry {
  return { receivedAt, newestMs, group };
}

describe('send plan', () => {
  const entries = [entry(0, 'a'), entry(1000, 'b'), entry(4000, 'c'), entry(3000, 'd'), entry(10_000, 'e')];

  it('sends everything at once by default', () => {
    expect(planOffsets(entries, NOW)).toEqual([0, 0, 0, 0, 0]);
  });

  it('spreads sends evenly over --spread', () => {
    expect(planOffsets(entries, { ...NOW, spreadMs: 600_000 })).toEqual([0, 120_000, 240_000, 360_000, 480_000]);
  });

  it('keeps recorded gaps, N times faster, and treats a clock step back as no gap', () => {
    expect(planOffsets(entries, { mode: 'recorded', speed: 1 })).toEqual([0, 1000, 4000, 4000, 10_000]);
    expect(planOffsets(entries, { mode: 'recorded', speed: 4 })).toEqual([0, 250, 1000, 1000, 2500]);
  });

  it('scales the recording to fit --spread with recorded pace', () => {
    expect(planOffsets(entries, { mode: 'recorded', speed: 1, spreadMs: 60_000 })).toEqual([0, 6000, 24_000, 24_000, 60_000]);
    expect(planOffsets([entry(5, 'a'), entry(5, 'b')], { mode: 'recorded', speed: 1, spreadMs: 60_000 })).toEqual([0, 0]);
  });
});

describe('time plan (pace now)', () => {
  const runNewest = START - 3 * DAY;

  it("moves the run's newest data to 2 s before the start and keeps older data's offset within a day", () => {
    const entries = [entry(runNewest - 5 * HOUR, 'old'), entry(runNewest, 'new'), entry(runNewest - 23 * HOUR, 'older')];
    const deltas = planDeltas(entries, planOffsets(entries, NOW), NOW, START, 2);
    const runDelta = 3 * DAY_SECONDS - 2;
    expect(deltas).toEqual([runDelta, runDelta, runDelta]);
    expect(runNewest / 1000 + deltas[1]!).toBe(START / 1000 - 2);
  });

  it('moves data more than a day older forward by whole days: same time of day, within the last 24 h', () => {
    const entries = [entry(runNewest, 'new'), entry(runNewest - 45 * DAY - 2 * HOUR, 'f25'), entry(runNewest - DAY, 'exactly-a-day')];
    const deltas = planDeltas(entries, planOffsets(entries, NOW), NOW, START, 2);
    const runDelta = 3 * DAY_SECONDS - 2;
    expect(deltas).toEqual([runDelta, runDelta + 45 * DAY_SECONDS, runDelta + DAY_SECONDS]);
    const landed = (e: PlanEntry, d: number) => e.newestMs / 1000 + d;
    expect(landed(entries[1]!, deltas[1]!)).toBe(START / 1000 - 2 - 2 * 3600);
    expect(landed(entries[2]!, deltas[2]!)).toBe(START / 1000 - 2);
  });

  it("gives every envelope of a trace the delta of the trace's newest timestamp", () => {
    const entries = [entry(runNewest - 2 * DAY, 't', runNewest - 2 * DAY - 10_000), entry(runNewest, 'other'), entry(runNewest - 2 * DAY, 't', runNewest - DAY - 5 * HOUR)];
    const deltas = planDeltas(entries, planOffsets(entries, NOW), NOW, START, 2);
    expect(deltas[0]).toBe(deltas[2]!);
    // The trace's newest is 29 h older than the run's newest: it moves one day forward, to 5 h before.
    expect((runNewest - DAY - 5 * HOUR) / 1000 + deltas[2]!).toBe(START / 1000 - 2 - 5 * 3600);
  });

  it('never places a timestamp after the start minus the lead, also with fractional times', () => {
    const entries = Array.from({ length: 50 }, (_, i) => entry(0, `g${i % 7}`, runNewest - i * 7_777_777.5 - 0.25));
    const deltas = planDeltas(entries, planOffsets(entries, NOW), NOW, START, 2);
    entries.forEach((e, i) => {
      expect(e.newestMs / 1000 + deltas[i]!).toBeLessThanOrEqual(START / 1000 - 2);
      // Each trace's newest (the first seven entries) lands within the last day; the rest keep their offsets to it.
      if (i < 7) expect(e.newestMs / 1000 + deltas[i]!).toBeGreaterThan(START / 1000 - 2 - DAY_SECONDS);
      expect(Number.isInteger(deltas[i])).toBe(true);
    });
  });
});

describe('time plan (recorded pace or spread)', () => {
  it("lands each trace's newest timestamp 2 s before its first envelope is sent", () => {
    const base = START - 10 * DAY;
    const entries = [entry(base, 'a', base - 500), entry(base + 60_000, 'b'), entry(base + 120_000, 'a', base + 90_000)];
    const pacing: Pacing = { mode: 'recorded', speed: 2 };
    const offsets = planOffsets(entries, pacing);
    expect(offsets).toEqual([0, 30_000, 60_000]);
    const deltas = planDeltas(entries, offsets, pacing, START, 2);
    expect(deltas[0]).toBe(deltas[2]!);
    expect((base + 90_000) / 1000 + deltas[2]!).toBe(START / 1000 - 2);
    expect((base + 60_000) / 1000 + deltas[1]!).toBe((START + 30_000) / 1000 - 2);
  });

  it('aligns to the spread schedule with pace now', () => {
    const entries = [entry(START - DAY, 'a'), entry(START - 2 * DAY, 'b')];
    const pacing: Pacing = { mode: 'now', speed: 1, spreadMs: 600_000 };
    const deltas = planDeltas(entries, planOffsets(entries, pacing), pacing, START, 2);
    expect(deltas).toEqual([DAY_SECONDS - 2, 2 * DAY_SECONDS + 300 - 2]);
  });
});

import { describe, expect, it } from 'bun:test';
import {
  parseMillisTimestamp,
  parseTimestamp,
  shiftMillisTimestamp,
  shiftTimestamp,
  toEpochMicros,
} from '../../src/replay/time.ts';

// 1712000000 = 2024-04-01T19:33:20Z
const BASE = 1_712_000_000;
const DAY = 86_400;

describe('parseTimestamp', () => {
  it.each([
    [1712000000, BASE],
    [1712000000.5, BASE + 0.5],
    ['2024-04-01T19:33:20Z', BASE],
    ['2024-04-01T19:33:20.123456Z', BASE + 0.123456],
    ['2024-04-01T19:33:20.1Z', BASE + 0.1],
    ['2024-04-01T21:33:20+02:00', BASE],
    ['2024-04-01T21:33:20+0200', BASE],
    ['2024-04-01T14:33:20-05:00', BASE],
    ['2024-04-01T19:33:20+00:00', BASE],
    ['2024-04-01T19:33:20', BASE],
    ['2024-04-01T19:33:20.250', BASE + 0.25],
    ['2024-04-01 19:33:20.5z', BASE + 0.5],
    ['2024-04-01T19:33:20.123456789Z', BASE + 0.123457],
  ] as const)('reads %p', (input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  it('returns null for values that are not timestamps', () => {
    for (const input of [null, undefined, 'hello', '2024-04-01', '2024-13-01T00:00:00Z', {}, [], Number.NaN, Infinity]) {
      expect(parseTimestamp(input)).toBeNull();
    }
  });

  it('reads rrweb milliseconds as seconds', () => {
    expect(parseMillisTimestamp(1712000000123)).toBe(BASE + 0.123);
    expect(parseMillisTimestamp('1712000000123')).toBeNull();
  });
});

describe('shiftTimestamp', () => {
  it('keeps a float a float', () => {
    expect(shiftTimestamp(1712000000.5, 45 * DAY)).toBe(1715888000.5);
    expect(shiftTimestamp(1712000001.25, -2)).toBe(1711999999.25);
  });

  it('keeps an integer an integer when the delta is whole', () => {
    const shifted = shiftTimestamp(BASE, 100);
    expect(shifted).toBe(1712000100);
    expect(JSON.stringify(shifted)).toBe('1712000100');
  });

  it('turns an integer into a float when the delta has a fraction', () => {
    expect(shiftTimestamp(BASE, 0.25)).toBe(1712000000.25);
  });

  it('rounds number results to microseconds', () => {
    expect(shiftTimestamp(1712000000.1234567, 1)).toBe(1712000001.123457);
    expect(shiftTimestamp(1712000000.1, 0.2)).toBe(1712000000.3);
  });

  it.each([
    ['2024-04-01T19:33:20.123456Z', 45 * DAY, '2024-05-16T19:33:20.123456Z'],
    ['2024-04-01T19:33:20.123Z', 0.0005, '2024-04-01T19:33:20.124Z'],
    ['2024-04-01T19:33:20Z', 3661, '2024-04-01T20:34:21Z'],
    ['2025-05-01T10:00:00+02:00', 90061, '2025-05-02T11:01:01+02:00'],
    ['2025-05-01T10:00:00.5-05:30', -1, '2025-05-01T09:59:59.5-05:30'],
    ['2025-05-01T10:00:00+00:00', 1, '2025-05-01T10:00:01+00:00'],
    ['2025-05-01T10:00:00.123', 1.5, '2025-05-01T10:00:01.623'],
    ['2025-05-01 10:00:00z', 60, '2025-05-01 10:01:00z'],
    ['2025-05-01t10:00:00Z', 60, '2025-05-01t10:01:00Z'],
    ['2025-05-01T10:00:00.123456789Z', 0.000001, '2025-05-01T10:00:00.123457789Z'],
    ['2025-01-01T00:00:00.000Z', -0.001, '2024-12-31T23:59:59.999Z'],
    ['2024-02-28T23:59:59.9Z', 0.1, '2024-02-29T00:00:00.0Z'],
    ['2025-05-01T10:00:00Z', 0.4, '2025-05-01T10:00:00Z'],
    ['2025-05-01T10:00:00Z', 0.6, '2025-05-01T10:00:01Z'],
  ] as const)('shifts %p by %p to %p', (input, delta, expected) => {
    expect(shiftTimestamp(input, delta)).toBe(expected);
  });

  it('returns values that are not timestamps unchanged', () => {
    const object = { a: 1 };
    expect(shiftTimestamp(object, 10)).toBe(object);
    expect(shiftTimestamp('not a time', 10)).toBe('not a time');
    expect(shiftTimestamp(null, 10)).toBeNull();
    expect(shiftTimestamp(true, 10)).toBe(true);
  });

  it('rejects a non-finite delta', () => {
    expect(() => shiftTimestamp(BASE, Number.NaN)).toThrow(RangeError);
  });

  // Strings cannot carry more precision than they were written with, so exactness holds for
  // millisecond deltas on strings with at least 3 fraction digits (planDelta's deltas are whole seconds).
  it('keeps relative offsets exact across every form for a millisecond-resolution delta', () => {
    const values = [
      1712000000.0,
      1712000000.001,
      1712000001.25,
      1712000003.999,
      '2024-04-01T19:33:20.123456Z',
      '2024-04-01T21:33:21.007+02:00',
      '2024-04-01T19:33:22.500',
      '2024-04-01T19:33:23.123456789Z',
    ];
    for (const delta of [45 * DAY + 0.123, -7 * DAY - 0.789, 0.001, 1_000_000.5]) {
      const before = values.map((v) => toEpochMicros(v) as number);
      const after = values.map((v) => toEpochMicros(shiftTimestamp(v, delta)) as number);
      const deltaMicros = Math.round(delta * 1e6);
      expect(after).toEqual(before.map((micros) => micros + deltaMicros));
      for (let i = 1; i < values.length; i++) expect(after[i]! - after[0]!).toBe(before[i]! - before[0]!);
    }
  });

  it('keeps whole-second strings exact for a whole-second delta', () => {
    const values = ['2024-04-01T19:33:20Z', '2024-04-01T19:33:20.5', 1712000001.25, 1712000002];
    const shifted = values.map((v) => shiftTimestamp(v, 45 * DAY));
    expect(shifted).toEqual(['2024-05-16T19:33:20Z', '2024-05-16T19:33:20.5', 1715888001.25, 1715888002]);
  });

  it('round-trips a shift and its inverse exactly', () => {
    for (const value of [1712000000.123, 1712000001.25, '2024-04-01T19:33:20.123456Z']) {
      expect(shiftTimestamp(shiftTimestamp(value, 3_888_000.777), -3_888_000.777)).toBe(value);
    }
  });
});

describe('shiftMillisTimestamp', () => {
  it('keeps integer milliseconds integral for a whole-millisecond delta', () => {
    expect(shiftMillisTimestamp(1712000000123, 5)).toBe(1712000005123);
    expect(shiftMillisTimestamp(1712000000123, 0.001)).toBe(1712000000124);
  });

  it('keeps microsecond precision otherwise', () => {
    expect(shiftMillisTimestamp(1712000000123, 0.0005)).toBe(1712000000123.5);
    expect(shiftMillisTimestamp(1712000000123.25, 1)).toBe(1712000001123.25);
  });

  it('leaves non-numbers alone', () => {
    expect(shiftMillisTimestamp('1712000000123', 1)).toBe('1712000000123');
  });
});

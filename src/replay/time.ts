/**
 * Sentry timestamp parsing and shifting. Every form Relay accepts is read, and a shifted value is
 * written back in the form it came in, using integer arithmetic so relative offsets survive exactly.
 */

/**
 * RFC 3339 / ISO 8601 date-time: separator `T`, `t` or space, optional fraction of any precision,
 * optional zone (`Z`, `+hh:mm`, `+hhmm`, `+hh`); no zone means UTC.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})([Tt ])(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

const MICROS_PER_SECOND = 1_000_000;

interface DateTimeParts {
  /** Wall-clock seconds since the epoch as if the wall clock were UTC (offset not applied). */
  wallSeconds: number;
  /** Fraction digits as written (may be empty). */
  fraction: string;
  separator: string;
  /** Zone text exactly as written ('' when absent). */
  zone: string;
  offsetSeconds: number;
}

function parseDateTime(text: string): DateTimeParts | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[5], m[6], m[7]].map(Number) as [
    number, number, number, number, number, number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const zone = m[9] ?? '';
  return {
    wallSeconds: Date.UTC(year, month - 1, day, hour, minute, second) / 1000,
    fraction: m[8] ?? '',
    separator: m[4] ?? 'T',
    zone,
    offsetSeconds: parseOffset(zone),
  };
}

function parseOffset(zone: string): number {
  if (zone === '' || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60);
}

function assertDelta(deltaSeconds: number): void {
  if (!Number.isFinite(deltaSeconds)) throw new RangeError(`timestamp delta must be finite, got ${deltaSeconds}`);
}

/**
 * Parses any Sentry timestamp form to integer epoch microseconds, or null when `value` is not a
 * timestamp. Numbers are Unix seconds; digits past microseconds are rounded.
 * @see https://develop.sentry.dev/sdk/data-model/event-payloads/#required-attributes
 */
export function toEpochMicros(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * MICROS_PER_SECOND) : null;
  if (typeof value !== 'string') return null;
  const parts = parseDateTime(value);
  if (!parts) return null;
  const fractionMicros = Math.round(Number(`0.${parts.fraction || '0'}`) * MICROS_PER_SECOND);
  return (parts.wallSeconds - parts.offsetSeconds) * MICROS_PER_SECOND + fractionMicros;
}

/** Parses any Sentry timestamp form to epoch seconds (µs precision), or null. */
export function parseTimestamp(value: unknown): number | null {
  const micros = toEpochMicros(value);
  return micros === null ? null : micros / MICROS_PER_SECOND;
}

/** Parses an rrweb millisecond timestamp to epoch seconds, or null. */
export function parseMillisTimestamp(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 1000) / MICROS_PER_SECOND : null;
}

/**
 * Shifts a timestamp by `deltaSeconds` and writes it back in the same form: integers stay
 * integers when the delta is whole, other numbers are rounded to microseconds, strings keep
 * their fraction digits, separator and zone text (an offset stays that offset). Values that are
 * not timestamps are returned unchanged.
 */
export function shiftTimestamp(value: unknown, deltaSeconds: number): unknown {
  assertDelta(deltaSeconds);
  const deltaMicros = Math.round(deltaSeconds * MICROS_PER_SECOND);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return value;
    if (Number.isInteger(value) && deltaMicros % MICROS_PER_SECOND === 0) return value + deltaMicros / MICROS_PER_SECOND;
    return (Math.round(value * MICROS_PER_SECOND) + deltaMicros) / MICROS_PER_SECOND;
  }
  if (typeof value !== 'string') return value;
  const parts = parseDateTime(value);
  return parts ? formatShifted(parts, deltaMicros) : value;
}

/**
 * Shifts an rrweb millisecond timestamp by `deltaSeconds`: integer milliseconds stay integers
 * when the delta is a whole number of milliseconds, otherwise the result keeps µs precision.
 * @see https://develop.sentry.dev/sdk/telemetry/replays/
 */
export function shiftMillisTimestamp(value: unknown, deltaSeconds: number): unknown {
  assertDelta(deltaSeconds);
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  const deltaMicros = Math.round(deltaSeconds * MICROS_PER_SECOND);
  if (Number.isInteger(value) && deltaMicros % 1000 === 0) return value + deltaMicros / 1000;
  return (Math.round(value * 1000) + deltaMicros) / 1000;
}

/** Adds the delta in units of the string's own precision (BigInt: 9-digit fractions exceed 2^53). */
function formatShifted(parts: DateTimeParts, deltaMicros: number): string {
  const digits = parts.fraction.length;
  const unitsPerSecond = 10n ** BigInt(digits);
  const deltaUnits =
    digits >= 6
      ? BigInt(deltaMicros) * 10n ** BigInt(digits - 6)
      : BigInt(Math.round(deltaMicros / 10 ** (6 - digits)));
  const units = BigInt(parts.wallSeconds) * unitsPerSecond + BigInt(parts.fraction || '0') + deltaUnits;
  let seconds = units / unitsPerSecond;
  let fraction = units % unitsPerSecond;
  if (fraction < 0n) {
    fraction += unitsPerSecond;
    seconds -= 1n;
  }
  const wall = new Date(Number(seconds) * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const date = `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const time = `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`;
  const frac = digits > 0 ? `.${fraction.toString().padStart(digits, '0')}` : '';
  return `${date}${parts.separator}${time}${frac}${parts.zone}`;
}

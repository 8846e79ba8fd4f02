/** Durations as users type them: `15s`, `30m`, `1h`, `1d`, `1h30m`, `500ms`. */
import { ConfigError } from '../shared/errors.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(input: string, flag = 'duration', minMs = 1): number {
  const text = input.trim().toLowerCase();
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) {
    throw new ConfigError(`${flag}: "${input}" is not a duration; use a number with a unit, e.g. 15s, 30m, 1h, 1d or 1h30m`);
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
  if (ms <= 0) throw new ConfigError(`${flag}: "${input}" must be longer than zero`);
  if (ms < minMs) throw new ConfigError(`${flag}: "${input}" is too short; the shortest allowed is ${formatDuration(minMs)}`);
  return ms;
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

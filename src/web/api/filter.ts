/** Turns the API's (and the page's) query parameters into a store filter. */
import { BadRequestError } from '../../shared/errors.ts';
import type { EnvelopeFilter } from '../../store/index.ts';
import type { EventFilterQuery } from './model.ts';

export function filterFromQuery(q: EventFilterQuery): EnvelopeFilter {
  const filter: EnvelopeFilter = {};
  if (q.type) filter.type = q.type;
  if (q.platform) filter.platform = q.platform;
  if (q.sdk) filter.sdk = q.sdk;
  if (q.project !== undefined && q.project !== '') filter.projectId = Number(q.project);
  if (q.release) filter.release = q.release;
  if (q.environment) filter.environment = q.environment;
  if (q.since?.trim()) filter.since = parseTime(q.since, 'since');
  if (q.until?.trim()) filter.until = parseTime(q.until, 'until');
  if (q.q?.trim()) filter.text = q.q.trim();
  return filter;
}

/**
 * ISO 8601 or epoch milliseconds. A time without a zone (what `<input type="datetime-local">`
 * sends) is read as UTC, so the answer does not depend on the server's time zone.
 */
export function parseTime(value: string, name: string): number {
  const v = value.trim();
  if (/^\d{10,}$/.test(v)) return Number(v);
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(v) || !v.includes('T') ? v : `${v}Z`;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(zoned) ? `${zoned}T00:00:00Z` : zoned);
  if (!Number.isFinite(ms)) throw new BadRequestError(`${name}: "${value}" is not a time; use ISO 8601 (2026-07-15T08:00:00Z) or epoch milliseconds`);
  return ms;
}

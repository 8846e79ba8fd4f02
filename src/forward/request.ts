/**
 * What a forward sends and what its answer means (pure): the captured envelope with only the
 * header `dsn` pointed upstream, fresh request headers, and the retry policy per status.
 * @see https://develop.sentry.dev/sdk/foundations/transport/rate-limiting/
 */
import { authHeader, type Dsn, dsnToString } from '../envelope/dsn.ts';
import { parseEnvelope } from '../envelope/parse.ts';
import { serializeEnvelope } from '../envelope/serialize.ts';

/**
 * The envelope with its header `dsn` (only when it has one) replaced by the upstream's. Every item
 * keeps its raw header and payload bytes: serialisation writes them back unchanged.
 */
export function withUpstreamDsn(body: Uint8Array, upstream: Dsn): Uint8Array {
  const envelope = parseEnvelope(body);
  if (envelope.header.dsn === undefined || envelope.header.dsn === null) return body;
  return serializeEnvelope({ ...envelope, header: { ...envelope.header, dsn: dsnToString(upstream) }, rawHeader: undefined });
}

/**
 * Headers built afresh for the upstream: auth from its DSN (an `X-Sentry-Auth` header only; Relay
 * answers 401 to a request carrying two auth forms, so no `?sentry_key=` as well). Nothing is copied
 * from the SDK's request, so no hop-by-hop header or stale Content-Length can leak (F06); fetch
 * frames the body itself.
 */
export function upstreamHeaders(upstream: Dsn, client: string, gzip: boolean): Record<string, string> {
  return {
    'content-type': 'application/x-sentry-envelope',
    'x-sentry-auth': authHeader(upstream, client),
    'user-agent': client,
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  };
}

/**
 * - `delivered`: 2xx, the row goes;
 * - `held`: 429, the row stays queued until its categories' limit passes (F28);
 * - `park`: 400 and 413 (and 415) do not get better by retrying: the row is set aside;
 * - `retry`: network errors, 5xx and other 4xx (a wrong key or a project not created yet can be
 *   fixed upstream) are retried with backoff, holding the rows behind them so order is kept.
 */
export type ResponseClass = 'delivered' | 'held' | 'park' | 'retry';

const NEVER_RETRIED = new Set([400, 413, 415]);

export function classifyResponse(status: number | null): ResponseClass {
  if (status === null) return 'retry';
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 429) return 'held';
  if (NEVER_RETRIED.has(status)) return 'park';
  return 'retry';
}

/** Exponential backoff after the `attempts`-th failed attempt: base, 2×base, 4×base, … capped. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

/** A bare 429 (or one whose limits miss the row's categories) holds those categories this long (Sentry's default). */
export const DEFAULT_HOLD_SECONDS = 60;

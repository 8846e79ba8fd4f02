/**
 * One delivery attempt of one outbox row: read its bytes (its own, or its recorded envelope's),
 * point the header `dsn` upstream, POST once, then apply the answer to the row in the same step
 * (delete on 2xx, defer with backoff, park) and to the upstream's rate limits.
 */
import { ORIGIN_HEADER, originHeaderValue } from '../shared/identity-headers.ts';
import { gzipBytes } from '../shared/gzip.ts';
import { type Dsn, dsnToString, envelopeUrl, parseDsn } from '../envelope/dsn.ts';
import { storedEnvelopeBytes } from '../envelope/stored.ts';
import { RateLimitState } from '../replay/rate-limits.ts';
import { attemptOnce } from '../replay/sender.ts';
import type { OutboxRow, Store } from '../store/types.ts';
import { classifyResponse, DEFAULT_HOLD_SECONDS, upstreamHeaders, withUpstreamDsn } from './request.ts';

/** One upstream DSN: where its rows go, and the rate limits it announced. */
export interface Upstream {
  dsn: Dsn;
  /** Without secret, for logs. */
  label: string;
  url: string;
  headers: Record<string, string>;
  limits: RateLimitState;
}

export type RowResult =
  | { kind: 'delivered' }
  | { kind: 'held'; status: number; until: number; categories: string[] }
  | { kind: 'parked'; reason: string }
  | { kind: 'retry'; reason: string; attempts: number; nextAttemptAt: number }
  | { kind: 'gone'; reason: string }
  | { kind: 'aborted' };

export type DeliveryStore = Pick<Store, 'outboxBody' | 'getEnvelope' | 'deleteOutbox' | 'deferOutbox' | 'parkOutbox'>;

export interface DeliveryContext {
  store: DeliveryStore;
  fetch: typeof fetch;
  now: () => number;
  gzip: boolean;
  timeoutMs: number;
  /** Aborted when a stop's drain time is over: the attempt's outcome is unknown and the row stays. */
  signal: AbortSignal;
  /** Wait before the next attempt after `attempts` failed ones. */
  backoffMs: (attempts: number) => number;
  /** This server's store id: an upstream answering with it is this server (a forwarding loop). */
  ownStore?: string;
}

export function createUpstream(text: string, client: string, gzip: boolean): Upstream {
  const dsn = parseDsn(text);
  return { dsn, label: dsnToString(dsn), url: envelopeUrl(dsn), headers: upstreamHeaders(dsn, client, gzip), limits: new RateLimitState() };
}

export async function deliverRow(row: OutboxRow, upstream: Upstream, ctx: DeliveryContext): Promise<RowResult> {
  let payload: Uint8Array;
  try {
    const bytes = await rowBytes(row, ctx.store);
    if (bytes === null) {
      await ctx.store.deleteOutbox(row.id);
      return { kind: 'gone', reason: `its envelope ${row.envelopeId} was deleted before it was forwarded` };
    }
    payload = withUpstreamDsn(bytes, upstream.dsn);
  } catch (error) {
    return park(row, `cannot be read as an envelope: ${(error as Error).message}`, ctx);
  }
  const body = ctx.gzip ? gzipBytes(payload) : payload;
  const origin = originHeaderValue(row.origin, ctx.ownStore);
  const headers = origin ? { ...upstream.headers, [ORIGIN_HEADER]: origin } : upstream.headers;
  const send = await attemptOnce(ctx.fetch, upstream.url, { headers, payload: body, attempt: row.attempts + 1, timeoutMs: ctx.timeoutMs, signal: ctx.signal });
  if (ctx.signal.aborted) return { kind: 'aborted' };
  const at = ctx.now();
  if (ctx.ownStore && send.undertakerStore === ctx.ownStore) {
    return park(row, `${upstream.label} is this Undertaker's own capture address (a forwarding loop); point --forward at another server`, ctx);
  }
  if (send.status !== null) upstream.limits.update(send.status, send.limits, at);
  const reason = send.status === null ? send.detail : `HTTP ${send.status}${send.detail ? `: ${send.detail.slice(0, 300)}` : ''}`;
  switch (classifyResponse(send.status)) {
    case 'delivered':
      // The row goes in the step that sees the 2xx; a crash between the two resends it once (at-least-once).
      await ctx.store.deleteOutbox(row.id);
      return { kind: 'delivered' };
    case 'held':
      return hold(row, upstream, at);
    case 'park':
      return park(row, reason, ctx);
    case 'retry': {
      const attempts = row.attempts + 1;
      const nextAttemptAt = at + ctx.backoffMs(attempts);
      await ctx.store.deferOutbox(row.id, { attempts, nextAttemptAt, lastError: reason });
      return { kind: 'retry', reason, attempts, nextAttemptAt };
    }
  }
}

// --- internal ---

/** The bytes a row forwards: its own (forward mode), or its envelope's as Relay would build it (record+forward). */
async function rowBytes(row: OutboxRow, store: DeliveryStore): Promise<Uint8Array | null> {
  if (row.envelopeId === null) return store.outboxBody(row.id);
  const record = await store.getEnvelope(row.envelopeId);
  return record ? storedEnvelopeBytes(record.endpoint, record.body, record.requestMeta) : null;
}

/** A 429 holds the row (never deletes it); one whose limits miss the row's categories holds those for 60 s. */
function hold(row: OutboxRow, upstream: Upstream, at: number): RowResult {
  let check = upstream.limits.checkCategories(row.categories, at);
  if (!check.limited.length) {
    upstream.limits.update(429, { rateLimits: `${DEFAULT_HOLD_SECONDS}:${row.categories.join(';')}:key`, retryAfter: null }, at);
    check = upstream.limits.checkCategories(row.categories, at);
  }
  return { kind: 'held', status: 429, until: check.until, categories: check.limited };
}

async function park(row: OutboxRow, reason: string, ctx: DeliveryContext): Promise<RowResult> {
  await ctx.store.parkOutbox(row.id, reason);
  return { kind: 'parked', reason };
}

/**
 * One delivery: rewrite a stored envelope for one destination, check that destination's rate
 * limits, send, and classify the result. Held envelopes (rate limited) are returned to the run,
 * which retries them once the limit has passed.
 */
import { ORIGIN_HEADER, originHeaderValue } from '../shared/identity-headers.ts';
import { type Dsn, dsnToString } from '../envelope/dsn.ts';
import { serializeEnvelope } from '../envelope/serialize.ts';
import { envelopeFromStored } from '../envelope/stored.ts';
import type { Envelope } from '../envelope/types.ts';
import type { EnvelopeRecord, ReplayOutcomeKind } from '../store/index.ts';
import type { IdMapper } from './ids.ts';
import { RateLimitState } from './rate-limits.ts';
import type { DeliveryOutcome } from './recorder.ts';
import { rewriteEnvelope, traceIdOf } from './rewrite.ts';
import { createSender, type RetryBudget, type SendOutcome, type Sender } from './sender.ts';
import type { Shaper } from './shaping.ts';

/** A destination with its own sender and rate limits. */
export interface Destination {
  dsn: Dsn;
  /** Without secret: for history and logs. */
  label: string;
  send: Sender;
  limits: RateLimitState;
}

export interface DeliveryContext {
  ids: IdMapper;
  /** The id of the store being replayed, sent on in ORIGIN_HEADER after the stores the capture came through; unset with --force. */
  origin?: string;
  shape?: Shaper;
  dryRun: boolean;
  now: () => number;
}

export type DeliveryResult =
  | { kind: 'done'; outcome: DeliveryOutcome; send?: SendOutcome }
  | { kind: 'held'; until: number; categories: string[]; send?: SendOutcome };

/** Used when a 429 names no limit for the envelope's own categories (Sentry's bare-429 default). */
const DEFAULT_HOLD_MS = 60_000;

export function createDestination(
  dsn: Dsn,
  opts: { client: string; fetch?: typeof fetch; budget: RetryBudget; sleep: (ms: number) => Promise<void>; limits?: RateLimitState },
): Destination {
  return {
    dsn,
    label: dsnToString(dsn),
    send: createSender({ dsn, client: opts.client, fetch: opts.fetch, budget: opts.budget, sleep: opts.sleep }),
    limits: opts.limits ?? new RateLimitState(),
  };
}

export async function deliver(record: EnvelopeRecord, dest: Destination, deltaSeconds: number, ctx: DeliveryContext): Promise<DeliveryResult> {
  const base = {
    envelopeId: record.id,
    destination: dest.label,
    mainType: record.mainType,
    title: record.title,
    oldEventId: record.eventId,
    deltaSeconds,
  };
  // Rewrite first, before any await, so a seeded run with the same clock reproduces the bytes.
  let env: Envelope;
  try {
    env = rewriteEnvelope(envelopeFromStored(record.endpoint, record.body, record.requestMeta), {
      deltaSeconds,
      ids: ctx.ids,
      destination: { publicKey: dest.dsn.publicKey, dsn: dest.label },
      sentAt: new Date(ctx.now()),
      shape: ctx.shape,
    });
  } catch (error) {
    const reason = `cannot rewrite the stored envelope: ${(error as Error).message}`;
    return { kind: 'done', outcome: { ...base, ...ids(null), at: ctx.now(), outcome: 'skipped', httpStatus: null, reason, attempts: 0 } };
  }
  const newIds = ids(env, record, ctx.ids);
  if (ctx.dryRun) return { kind: 'done', outcome: { ...base, ...newIds, at: ctx.now(), outcome: 'dry_run', httpStatus: null, reason: null, attempts: 0 } };
  const types = env.items.map((i) => String(i.header.type));
  const check = dest.limits.check(types, ctx.now());
  // Held whole: items that must travel together (event + attachments, transaction + profile,
  // replay event + recording) stay together.
  if (check.limited.length) return { kind: 'held', until: check.until, categories: check.limited };
  const origin = originHeaderValue(record.requestMeta[ORIGIN_HEADER], ctx.origin);
  const send = await dest.send(serializeEnvelope(env), origin ? { [ORIGIN_HEADER]: origin } : undefined);
  const at = ctx.now();
  if (send.status !== null) dest.limits.update(send.status, send.limits, at);
  if (send.status === 429) {
    const after = dest.limits.check(types, at);
    return { kind: 'held', until: after.limited.length ? after.until : at + DEFAULT_HOLD_MS, categories: after.limited, send };
  }
  const outcome: ReplayOutcomeKind = send.ok ? 'accepted' : send.status === null || send.status >= 500 ? 'failed' : 'rejected';
  const reason = send.ok ? null : send.detail.slice(0, 300) || `HTTP ${send.status}`;
  return { kind: 'done', send, outcome: { ...base, ...newIds, at, outcome, httpStatus: send.status, reason, attempts: send.attempts } };
}

// --- internal ---

function ids(env: Envelope | null, record?: EnvelopeRecord, map?: IdMapper): { newEventId: string | null; newTraceId: string | null } {
  const eventId = env?.header.event_id;
  // The index column holds the trace id the capture found; the rewrite mapped it through the same
  // map, so looking it up gives the new one without parsing the payloads again.
  const mapped = record?.traceId ? map?.get(record.traceId) : undefined;
  return {
    newEventId: typeof eventId === 'string' ? eventId.replaceAll('-', '').toLowerCase() : null,
    newTraceId: env ? (mapped ?? traceIdOf(env)) : null,
  };
}

/**
 * The envelope view of a stored request body: envelope bodies parse as they are; every other
 * endpoint's body (store event, minidump upload, security/NEL report, Unreal crash, cron check-in)
 * becomes the envelope Relay builds from it, so every stored row can be shown and replayed alike.
 */
import { serializeEnvelope } from './serialize.ts';
import { normalizeEventId } from './event-id.ts';
import { minidumpEnvelope } from './minidump.ts';
import { parseEnvelope } from './parse.ts';
import { cronEnvelope, nelEnvelope, securityEnvelope, unrealEnvelope } from './reports.ts';
import { decodeStoreBody } from './store-body.ts';
import { ASSIGNED_EVENT_ID, type Envelope, type JsonObject, type StoredRequestMeta } from './types.ts';

type Converter = (body: Uint8Array, meta: StoredRequestMeta) => Envelope;

const CONVERTERS: Record<string, Converter> = {
  envelope: (body) => parseEnvelope(body),
  store: (body, meta) => storeEventEnvelope(decodeStoreBody(body), normalizeEventId(meta[ASSIGNED_EVENT_ID])),
  minidump: (body, meta) => minidumpEnvelope(body, meta),
  security: securityEnvelope,
  nel: nelEnvelope,
  unreal: unrealEnvelope,
  cron: cronEnvelope,
};

/**
 * Converts a stored body, given the endpoint it arrived on and its stored request metadata
 * (Content-Type, query, monitor slug, assigned event id). Throws on bodies that do not convert.
 */
export function envelopeFromStored(endpoint: string, body: Uint8Array, meta: StoredRequestMeta = {}): Envelope {
  const convert = CONVERTERS[endpoint];
  if (!convert) throw new Error(`stored requests from the "${endpoint}" endpoint cannot be read as envelopes`);
  return convert(body, meta);
}

/**
 * The envelope bytes a stored request stands for: the body itself for the envelope endpoint, else
 * the envelope Relay builds from it, serialised (what forwarding sends).
 */
export function storedEnvelopeBytes(endpoint: string, body: Uint8Array, meta: StoredRequestMeta = {}): Uint8Array {
  return endpoint === 'envelope' ? body : serializeEnvelope(envelopeFromStored(endpoint, body, meta));
}

/**
 * Wraps a store-endpoint event as Relay does: header `event_id` (the event's own, else the one
 * assigned at capture) and one `event` or `transaction` item holding the event JSON.
 */
export function storeEventEnvelope(event: JsonObject, assignedEventId: string | null = null): Envelope {
  const eventId = typeof event.event_id === 'string' ? event.event_id : assignedEventId;
  const header = eventId ? { event_id: eventId } : {};
  const type = event.type === 'transaction' ? 'transaction' : 'event';
  return { header, items: [{ header: { type }, payload: new TextEncoder().encode(JSON.stringify(event)) }] };
}

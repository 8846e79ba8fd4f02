/**
 * The envelope view of a stored request body: envelope bodies parse as they are;
 * a legacy store-endpoint event becomes one `event` (or `transaction`) item, the
 * way Relay converts it, so every stored row can be shown and replayed alike.
 */
import { parseEnvelope } from './parse.ts';
import { decodeStoreBody } from './store-body.ts';
import type { Envelope, JsonObject } from './types.ts';

export function envelopeFromStored(endpoint: string, body: Uint8Array): Envelope {
  return endpoint === 'store' ? storeEventEnvelope(decodeStoreBody(body)) : parseEnvelope(body);
}

/** Wraps a store-endpoint event as Relay does: header `event_id`, one event or transaction item. */
export function storeEventEnvelope(event: JsonObject): Envelope {
  const header = typeof event.event_id === 'string' ? { event_id: event.event_id } : {};
  const type = event.type === 'transaction' ? 'transaction' : 'event';
  return { header, items: [{ header: { type }, payload: new TextEncoder().encode(JSON.stringify(event)) }] };
}

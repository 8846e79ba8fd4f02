/**
 * Per-source forwarding modes and the outbox entry a capture gets: `record` stores only (no entry),
 * `record+forward` stores the envelope and an outbox row pointing at it, `forward` stores the bytes
 * to send in the outbox row alone.
 */
import { serializeEnvelope } from '../envelope/serialize.ts';
import type { Envelope } from '../envelope/types.ts';
import { itemCategory } from '../replay/rate-limits.ts';
import type { IngestEndpoint, NewOutboxEntry } from '../store/types.ts';

export const FORWARD_MODES = ['record', 'forward', 'record+forward'] as const;
export type ForwardMode = (typeof FORWARD_MODES)[number];

export interface ForwardRoute {
  mode: ForwardMode;
  /** Upstream DSN as configured (with its key); required unless the mode is `record`. */
  upstream?: string;
}

/** Routes per captured project id; `*` applies to every project without its own entry. */
export type ForwardRoutes = ReadonlyMap<string, ForwardRoute>;

/** The route that forwards this project's captures, or undefined when they are only recorded. */
export function forwardRouteFor(routes: ForwardRoutes, projectId: number): (ForwardRoute & { upstream: string }) | undefined {
  const route = routes.get(String(projectId)) ?? routes.get('*');
  if (!route || route.mode === 'record' || !route.upstream) return undefined;
  return { mode: route.mode, upstream: route.upstream };
}

export interface CaptureToForward {
  /** The endpoint the row is stored under (`envelope` also for an envelope posted to /store/). */
  endpoint: IngestEndpoint;
  /** The request body after Content-Encoding. */
  body: Uint8Array;
  /** The envelope as Relay builds it from the request (the body itself for envelopes). */
  envelope: Envelope;
  itemTypes: readonly string[];
  /** The request's x-undertaker-origin: the stores it already came through. */
  origin?: string;
}

/**
 * The outbox entry for a capture, or undefined when its source is only recorded. Non-envelope
 * captures (store, minidump, security, …) are forwarded as the envelope Relay builds from them, the
 * same one replay sends, so every forward goes to the upstream's envelope endpoint.
 */
export function outboxEntry(routes: ForwardRoutes | undefined, projectId: number, capture: CaptureToForward): NewOutboxEntry | undefined {
  const route = routes && forwardRouteFor(routes, projectId);
  if (!route) return undefined;
  const categories = [...new Set(capture.itemTypes.map(itemCategory))];
  const origin = capture.origin ? { origin: capture.origin } : {};
  if (route.mode === 'record+forward') return { upstream: route.upstream, categories, ...origin };
  const body = capture.endpoint === 'envelope' ? capture.body : serializeEnvelope(capture.envelope);
  return { upstream: route.upstream, categories, body, ...origin };
}

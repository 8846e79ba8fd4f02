/**
 * Capture service: turns one decoded ingest request into a stored row. The body is stored as
 * received; the envelope Relay would build from it is what gets validated, limited and indexed.
 * Knows nothing of HTTP frameworks; routes.ts adapts requests to it.
 */
import { parseDsn } from '../envelope/dsn.ts';
import { mintEventId, normalizeEventId } from '../envelope/event-id.ts';
import { indexItems } from '../envelope/items.ts';
import { checkEnvelopeLimits, DEFAULT_ENVELOPE_LIMITS, type EnvelopeLimits, limitViolationDetail } from '../envelope/limits.ts';
import { minidumpEnvelope } from '../envelope/minidump.ts';
import { createPayloadReader, type PayloadReader, parseEnvelope } from '../envelope/parse.ts';
import { isNelMime, isSecurityMime, mediaType } from '../envelope/reports.ts';
import { decodeStoreBody } from '../envelope/store-body.ts';
import { envelopeFromStored, storeEventEnvelope } from '../envelope/stored.ts';
import { summarizeEnvelope, summarizeStoreEvent } from '../envelope/summarize.ts';
import { ASSIGNED_EVENT_ID, type Envelope, type EnvelopeSummary } from '../envelope/types.ts';
import { type ForwardRoutes, outboxEntry } from '../forward/entry.ts';
import { ORIGIN_HEADER } from '../shared/identity-headers.ts';
import { newestTimestamp } from '../replay/rewrite.ts';
import { AuthError, BadRequestError, EnvelopeParseError, PayloadTooLargeError, UnsupportedMediaError } from '../shared/errors.ts';
import type { IngestEndpoint, Store } from '../store/index.ts';
import type { SentryAuth } from './auth.ts';

export interface IngestOptions {
  /** When set, only these public keys may submit; others get 401. */
  allowedKeys?: ReadonlySet<string>;
  /** Forwarding modes per source (forward/entry.ts); without them everything is only recorded. */
  forwarding?: ForwardRoutes;
}

export interface IngestDeps {
  store: Store;
  now: () => number;
  options: IngestOptions;
  /** Relay's per-item limits (default: Relay's defaults). */
  limits?: EnvelopeLimits;
}

export interface IngestRequest {
  endpoint: IngestEndpoint;
  /** From the URL path; null on a tunnel path or `/api/store/`, where the body names the project. */
  projectId: number | null;
  auth: SentryAuth | null;
  /** Body after HTTP Content-Encoding was undone. */
  body: Uint8Array;
  contentType: string | null;
  requestMeta: Record<string, string>;
}

export interface IngestResult {
  rowId: number;
  eventId: string | null;
}

export async function ingest(deps: IngestDeps, req: IngestRequest): Promise<IngestResult> {
  const limits = deps.limits ?? DEFAULT_ENVELOPE_LIMITS;
  const meta = { ...req.requestMeta };
  // One parse of each JSON payload, shared by the summary, the item index and the newest timestamp.
  const readJson = createPayloadReader();
  const parsed = convert(req, meta, limits, readJson);
  const auth = req.auth ?? authFromEnvelopeDsn(parsed.dsnSource);
  const projectId = req.projectId ?? projectFromBody(parsed);
  checkKey(deps.options, auth);
  const violation = checkEnvelopeLimits(parsed.envelope, limits);
  if (violation) throw new PayloadTooLargeError(limitViolationDetail(violation), [violation.reason]);
  const rowId = await deps.store.insertEnvelope({
    receivedAt: deps.now(),
    endpoint: parsed.endpoint,
    projectId,
    publicKey: auth?.publicKey ?? null,
    summary: parsed.summary,
    eventTs: toMs(newestTimestamp(parsed.envelope, readJson)),
    items: indexItems(parsed.envelope, readJson),
    requestMeta: { ...meta, ...(auth ? { auth_carrier: auth.carrier } : {}), ...(auth?.client ? { sentry_client: auth.client } : {}) },
    body: req.body,
    forward: outboxEntry(deps.options.forwarding, projectId, { ...parsed, body: req.body, itemTypes: parsed.summary.itemTypes, origin: meta[ORIGIN_HEADER] }),
  });
  return { rowId, eventId: parsed.summary.eventId };
}

// --- internal ---

interface Converted {
  /** The endpoint the row is stored under (an envelope posted to /store/ is stored as one). */
  endpoint: IngestEndpoint;
  envelope: Envelope;
  summary: EnvelopeSummary;
  /** The client's own envelope, whose `dsn` may authenticate the request (tunnels). */
  dsnSource: Envelope | null;
  /** Legacy store events may name their project (`"project": "42"`). */
  storeProject?: unknown;
}

/** Endpoints whose envelope gets an event id from Relay rather than from the client. */
const ASSIGNS_EVENT_ID = new Set<IngestEndpoint>(['minidump', 'security', 'nel', 'unreal', 'cron']);

function convert(req: IngestRequest, meta: Record<string, string>, limits: EnvelopeLimits, readJson: PayloadReader): Converted {
  if (req.endpoint === 'envelope' || (req.endpoint === 'store' && mediaType(req.contentType) === 'application/x-sentry-envelope')) {
    const envelope = parseEnvelopeBody(req.body);
    return { endpoint: 'envelope', envelope, summary: summarizeEnvelope(envelope, readJson), dsnSource: envelope };
  }
  if (req.endpoint === 'store') return convertStore(req.body, meta, limits);
  if (req.endpoint === 'security' && !isSecurityMime(req.contentType)) throw unsupportedType(req, 'application/csp-report, application/json, application/expect-ct-report[+json], application/expect-staple-report');
  if (req.endpoint === 'nel' && !isNelMime(req.contentType)) throw unsupportedType(req, 'application/reports+json, application/json');
  if (ASSIGNS_EVENT_ID.has(req.endpoint)) meta[ASSIGNED_EVENT_ID] = mintEventId();
  const envelope = req.endpoint === 'minidump' ? minidumpEnvelope(req.body, meta, limits.maxAttachmentSize) : envelopeFromStored(req.endpoint, req.body, meta);
  return { endpoint: req.endpoint, envelope, summary: summarizeEnvelope(envelope, readJson), dsnSource: null };
}

function convertStore(body: Uint8Array, meta: Record<string, string>, limits: EnvelopeLimits): Converted {
  if (body.byteLength === 0) throw new BadRequestError('empty request body');
  const event = decodeStoreBody(body, limits.maxEventSize);
  // Relay assigns an id to a store event that has none; the stored bytes stay as sent.
  if (!normalizeEventId(event.event_id)) meta[ASSIGNED_EVENT_ID] = mintEventId();
  const envelope = storeEventEnvelope(event, meta[ASSIGNED_EVENT_ID] ?? null);
  const summary = summarizeStoreEvent(event);
  summary.eventId ??= meta[ASSIGNED_EVENT_ID] ?? null;
  return { endpoint: 'store', envelope, summary, dsnSource: null, storeProject: event.project };
}

function unsupportedType(req: IngestRequest, accepted: string): UnsupportedMediaError {
  return new UnsupportedMediaError(`unsupported content type ${JSON.stringify(req.contentType ?? '')} for the ${req.endpoint} endpoint (accepted: ${accepted})`);
}

function parseEnvelopeBody(body: Uint8Array): Envelope {
  if (body.byteLength === 0) throw new BadRequestError('empty request body');
  try {
    return parseEnvelope(body);
  } catch (error) {
    if (error instanceof EnvelopeParseError) throw new BadRequestError('invalid event envelope', [error.message]);
    throw error;
  }
}

function envelopeDsn(envelope: Envelope | null) {
  const dsn = envelope?.header.dsn;
  if (typeof dsn !== 'string') return null;
  try {
    return parseDsn(dsn);
  } catch {
    throw new AuthError('bad envelope authentication header');
  }
}

function authFromEnvelopeDsn(envelope: Envelope | null): SentryAuth | null {
  const dsn = envelopeDsn(envelope);
  return dsn ? { publicKey: dsn.publicKey, carrier: 'envelope-dsn' } : null;
}

/** The project of a request whose path names none: the envelope `dsn`, or a legacy store event's `project`. */
function projectFromBody(parsed: Converted): number {
  if (parsed.endpoint === 'store') {
    const id = Number(typeof parsed.storeProject === 'string' || typeof parsed.storeProject === 'number' ? parsed.storeProject : Number.NaN);
    if (Number.isSafeInteger(id) && id >= 0) return id;
    throw new BadRequestError('missing project id', [
      '/api/store/ names no project and the event has no numeric "project" field; Undertaker cannot resolve a project from the key alone: post to /api/<project id>/store/ (use a DSN that ends in the project id)',
    ]);
  }
  const dsn = envelopeDsn(parsed.dsnSource);
  const id = dsn ? Number(dsn.projectId) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 0) {
    throw new BadRequestError('missing project id', ['a tunnel request needs a "dsn" with a numeric project id in its envelope header']);
  }
  return id;
}

/** Refuses a key outside `--keys` (401); exported so routes can refuse before reading the body. */
export function checkKey(options: IngestOptions, auth: SentryAuth | null): void {
  if (!options.allowedKeys) return;
  if (!auth) throw new AuthError('missing authorization information');
  if (!options.allowedKeys.has(auth.publicKey)) {
    throw new AuthError(`event submission rejected with_reason: unknown public key ${auth.publicKey}`);
  }
}

function toMs(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds * 1000);
}

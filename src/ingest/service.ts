/**
 * Capture service: turns one decoded ingest request into a stored envelope row.
 * Knows nothing of HTTP frameworks; routes.ts adapts requests to it.
 */
import { parseDsn } from '../envelope/dsn.ts';
import { indexItems } from '../envelope/items.ts';
import { parseEnvelope } from '../envelope/parse.ts';
import { decodeStoreBody } from '../envelope/store-body.ts';
import { storeEventEnvelope } from '../envelope/stored.ts';
import { summarizeEnvelope, summarizeStoreEvent } from '../envelope/summarize.ts';
import type { Envelope, EnvelopeSummary } from '../envelope/types.ts';
import { newestTimestamp } from '../replay/rewrite.ts';
import { AuthError, BadRequestError, EnvelopeParseError } from '../shared/errors.ts';
import type { IngestEndpoint, Store } from '../store/index.ts';
import type { SentryAuth } from './auth.ts';

export interface IngestOptions {
  /** When set, only these public keys may submit; others get 401. */
  allowedKeys?: ReadonlySet<string>;
}

export interface IngestDeps {
  store: Store;
  now: () => number;
  options: IngestOptions;
}

export interface IngestRequest {
  endpoint: IngestEndpoint;
  /** From the URL path; null on a tunnel path, where the envelope's `dsn` names the project. */
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
  const asEnvelope = req.endpoint === 'envelope' || isEnvelopeContentType(req.contentType);
  const parsed = asEnvelope ? parseEnvelopeBody(req.body) : parseStoreBody(req.body);
  const auth = req.auth ?? authFromEnvelopeDsn(parsed.envelope);
  const projectId = req.projectId ?? projectFromEnvelopeDsn(parsed.envelope);
  checkKey(deps.options, auth);
  const rowId = await deps.store.insertEnvelope({
    receivedAt: deps.now(),
    endpoint: asEnvelope ? 'envelope' : req.endpoint,
    projectId,
    publicKey: auth?.publicKey ?? null,
    summary: parsed.summary,
    eventTs: parsed.eventTs,
    items: parsed.envelope ? indexItems(parsed.envelope) : (parsed.storeItems ?? []),
    requestMeta: { ...req.requestMeta, ...(auth ? { auth_carrier: auth.carrier } : {}), ...(auth?.client ? { sentry_client: auth.client } : {}) },
    body: req.body,
  });
  return { rowId, eventId: parsed.summary.eventId };
}

// --- internal ---

interface Parsed {
  envelope: Envelope | null;
  storeItems?: ReturnType<typeof indexItems>;
  summary: EnvelopeSummary;
  eventTs: number | null;
}

function parseEnvelopeBody(body: Uint8Array): Parsed {
  if (body.byteLength === 0) throw new BadRequestError('empty request body');
  let envelope: Envelope;
  try {
    envelope = parseEnvelope(body);
  } catch (error) {
    if (error instanceof EnvelopeParseError) throw new BadRequestError('invalid event envelope', [error.message]);
    throw error;
  }
  return { envelope, summary: summarizeEnvelope(envelope), eventTs: toMs(newestTimestamp(envelope)) };
}

function parseStoreBody(body: Uint8Array): Parsed {
  if (body.byteLength === 0) throw new BadRequestError('empty request body');
  const event = decodeStoreBody(body);
  const summary = summarizeStoreEvent(event);
  // Relay assigns an id to a store event that has none; the stored bytes stay as sent.
  summary.eventId ??= crypto.randomUUID().replaceAll('-', '');
  const asEnvelope = storeEventEnvelope(event);
  return { envelope: null, storeItems: indexItems(asEnvelope), summary, eventTs: toMs(newestTimestamp(asEnvelope)) };
}

function isEnvelopeContentType(contentType: string | null): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-sentry-envelope';
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

function projectFromEnvelopeDsn(envelope: Envelope | null): number {
  const dsn = envelopeDsn(envelope);
  const id = dsn ? Number(dsn.projectId) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 0) {
    throw new BadRequestError('missing project id: a tunnel request needs a "dsn" with a numeric project id in its envelope header');
  }
  return id;
}

function checkKey(options: IngestOptions, auth: SentryAuth | null): void {
  if (!options.allowedKeys) return;
  if (!auth) throw new AuthError('missing authorization information');
  if (!options.allowedKeys.has(auth.publicKey)) {
    throw new AuthError(`event submission rejected with_reason: unknown public key ${auth.publicKey}`);
  }
}

function toMs(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds * 1000);
}


/**
 * Conversions for the small non-envelope endpoints: browser security reports, NEL reports, Unreal
 * crash reports and HTTP cron check-ins, each into the envelope Relay builds from the request.
 * Throw `BadRequestError` with Relay's detail for input Relay refuses.
 */
import { BadRequestError } from '../shared/errors.ts';
import { normalizeEventId } from './event-id.ts';
import { isJsonObject } from './parse.ts';
import { ASSIGNED_EVENT_ID, type Envelope, type EnvelopeItem, type JsonObject, type StoredRequestMeta } from './types.ts';

/** `/security/` accepts these MIME types only (Relay answers 415 to anything else). */
const SECURITY_MIME_TYPES = new Set([
  'application/json', 'application/csp-report', 'application/expect-ct-report', 'application/expect-ct-report+json',
  'application/expect-staple-report',
]);
const NEL_MIME_TYPES = new Set(['application/json', 'application/reports+json']);
/** The "latest in-progress check-in" id Relay uses when a query check-in names none. */
const NIL_CHECK_IN_ID = '00000000000000000000000000000000';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** The media type without parameters, lower-cased. */
export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export const isSecurityMime = (contentType: string | null | undefined) => SECURITY_MIME_TYPES.has(mediaType(contentType));
export const isNelMime = (contentType: string | null | undefined) => NEL_MIME_TYPES.has(mediaType(contentType));

/** One `raw_security` item holding the report as sent; `sentry_release`/`sentry_environment` query values become item headers. */
export function securityEnvelope(body: Uint8Array, meta: StoredRequestMeta): Envelope {
  requireBody(body);
  const query = new URLSearchParams(meta.query ?? '');
  const header: JsonObject = { type: 'raw_security', length: body.length, content_type: 'application/json' };
  const release = query.get('sentry_release');
  const environment = query.get('sentry_environment');
  if (release !== null) header.sentry_release = release;
  if (environment !== null) header.sentry_environment = environment;
  return { header: assignedHeader(meta), items: [{ header, payload: body }] };
}

/** One `nel` item per report of a Reporting API batch (a JSON array), each report's JSON text kept as sent. */
export function nelEnvelope(body: Uint8Array, meta: StoredRequestMeta): Envelope {
  const reports = splitJsonArray(body);
  const items = reports.map((report): EnvelopeItem => {
    const payload = encoder.encode(report);
    return { header: { type: 'nel', length: payload.length, content_type: 'application/json' }, payload };
  });
  return { header: assignedHeader(meta), items };
}

/** One opaque `unreal_report` item; the `UserID` query value becomes the `unreal_user_id` header. */
export function unrealEnvelope(body: Uint8Array, meta: StoredRequestMeta): Envelope {
  requireBody(body);
  const header = assignedHeader(meta);
  const userId = new URLSearchParams(meta.query ?? '').get('UserID');
  if (userId !== null) header.unreal_user_id = userId;
  return { header, items: [{ header: { type: 'unreal_report', length: body.length, content_type: 'application/octet-stream' }, payload: body }] };
}

/**
 * One `check_in` item: a JSON body (Content-Type `application/json`) or the query parameters
 * `status`, `check_in_id`, `environment`, `duration`; the monitor slug always comes from the path.
 */
export function cronEnvelope(body: Uint8Array, meta: StoredRequestMeta): Envelope {
  const slug = meta.monitor_slug;
  if (!slug) throw new BadRequestError('invalid check-in', ['the request path names no monitor slug']);
  const checkIn = mediaType(meta['content-type']).startsWith('application/json') ? jsonCheckIn(body, slug) : queryCheckIn(meta.query ?? '', slug);
  const payload = encoder.encode(JSON.stringify(checkIn));
  return { header: assignedHeader(meta), items: [{ header: { type: 'check_in', length: payload.length, content_type: 'application/json' }, payload }] };
}

// --- internal ---

function requireBody(body: Uint8Array): void {
  if (body.length === 0) throw new BadRequestError('empty request body');
}

function assignedHeader(meta: StoredRequestMeta): JsonObject {
  const id = normalizeEventId(meta[ASSIGNED_EVENT_ID]);
  return id ? { event_id: id } : {};
}

function jsonCheckIn(body: Uint8Array, slug: string): JsonObject {
  const value = parseJson(body);
  if (!isJsonObject(value)) throw new BadRequestError('invalid JSON data', ['a check-in must be a JSON object']);
  if (typeof value.status !== 'string') throw new BadRequestError('invalid JSON data', ['missing field `status`']);
  return { ...value, monitor_slug: slug };
}

function queryCheckIn(queryString: string, slug: string): JsonObject {
  const query = new URLSearchParams(queryString);
  const status = query.get('status');
  if (status === null) throw new BadRequestError('invalid query string', ['missing field `status`']);
  const checkIn: JsonObject = { check_in_id: normalizeEventId(query.get('check_in_id')) ?? NIL_CHECK_IN_ID, monitor_slug: slug, status };
  const rawId = query.get('check_in_id');
  if (rawId !== null && normalizeEventId(rawId) === null) throw new BadRequestError('invalid query string', [`check_in_id "${rawId}" is not a UUID`]);
  const environment = query.get('environment');
  if (environment !== null) checkIn.environment = environment;
  const duration = query.get('duration');
  if (duration !== null) {
    const seconds = Number(duration);
    if (duration.trim() === '' || !Number.isFinite(seconds)) throw new BadRequestError('invalid query string', [`duration "${duration}" is not a number`]);
    checkIn.duration = seconds;
  }
  return checkIn;
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(strictUtf8.decode(body));
  } catch (error) {
    throw new BadRequestError('invalid JSON data', [(error as Error).message]);
  }
}

/** The raw JSON text of each element of a JSON array (validated first, so the scan can trust it). */
function splitJsonArray(body: Uint8Array): string[] {
  const value = parseJson(body);
  if (!Array.isArray(value)) throw new BadRequestError('invalid JSON data', ['a Reporting API body must be a JSON array of reports']);
  const text = strictUtf8.decode(body);
  const elements: string[] = [];
  const push = (end: number) => {
    const element = text.slice(start, end).trim();
    if (element !== '') elements.push(element);
  };
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (++depth === 1) start = i + 1;
    } else if (c === ']' || c === '}') {
      if (depth-- === 1) push(i);
    } else if (c === ',' && depth === 1) {
      push(i);
      start = i + 1;
    }
  }
  return elements;
}

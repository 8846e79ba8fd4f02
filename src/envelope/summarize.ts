/**
 * Index columns for a captured request, read from a parsed envelope or a legacy store event.
 * Never throws: odd payloads (invalid JSON, wrong field types) yield nulls for what cannot be read.
 */
import { normalizeEventId } from './event-id.ts';
import { crashEventJson } from './minidump.ts';
import { isJsonObject, type PayloadReader, parseJsonPayload } from './parse.ts';
import type { Envelope, EnvelopeSummary, JsonObject } from './types.ts';

/** Item types whose JSON payload feeds the summary; attachments and recordings are never decoded. */
const JSON_ITEM_TYPES = new Set([
  'event', 'transaction', 'feedback', 'replay_event', 'session', 'sessions', 'check_in',
  'log', 'span', 'profile', 'profile_chunk', 'user_report', 'client_report', 'raw_security', 'nel',
]);

/** Item type → main type, in priority order, for envelopes with neither a transaction nor an event. */
const FALLBACK_MAIN_TYPES: ReadonlyArray<readonly [string, string]> = [
  ['replay_event', 'replay'], ['session', 'session'], ['sessions', 'sessions'], ['check_in', 'check_in'],
  ['log', 'log'], ['span', 'span'], ['profile', 'profile'], ['profile_chunk', 'profile_chunk'],
  ['feedback', 'feedback'], ['user_report', 'user_report'], ['attachment', 'attachment'],
  ['client_report', 'client_report'], ['raw_security', 'security'], ['security', 'security'], ['nel', 'nel'],
];

/** Crash uploads create an error event from an attachment or an Unreal report (Relay `creates_event`). */
const CRASH_TITLES: Record<string, string> = {
  'event.minidump': 'Minidump', 'event.applecrashreport': 'Apple crash report', 'playstation.prosperodump': 'PlayStation crash dump',
  'event.payload': 'Native crash', unreal_report: 'Unreal Engine crash report',
};

/** Event `type` values Relay turns into security items (protocol.md §6, §10.2). */
const SECURITY_EVENT_TYPES = new Set(['csp', 'hpkp', 'expectct', 'expectstaple']);

interface ItemView {
  type: string;
  json: JsonObject | null;
}

interface Parts {
  header: JsonObject;
  items: ItemView[];
  main: JsonObject | null;
  mainType: string;
}

/**
 * Summarises an envelope: the transaction or event item is the main payload, else the first
 * item in a fixed priority order (replay, session, check-in, log, …); header-only is 'empty'.
 */
export function summarizeEnvelope(env: Envelope, readJson: PayloadReader = parseJsonPayload): EnvelopeSummary {
  const header = isJsonObject(env.header) ? env.header : {};
  const items = (Array.isArray(env.items) ? env.items : []).map((item) => viewItem(item, readJson));
  const crash = crashKind(env, items);
  if (crash) {
    const summary = buildSummary({ header, items, main: crashEventJson(env) ?? {}, mainType: 'error' });
    summary.title ??= CRASH_TITLES[crash] ?? null;
    return summary;
  }
  const { main, mainType } = pickMain(items);
  const summary = buildSummary({ header, items, main: main?.json ?? null, mainType });
  // The security endpoint carries release and environment in the raw_security item header (Relay applies them to the event).
  const report = mainType === 'security' ? env.items.find((item) => item?.header?.type === 'raw_security')?.header : undefined;
  summary.release ??= str(report?.sentry_release);
  summary.environment ??= str(report?.sentry_environment);
  return summary;
}

/**
 * Summarises a legacy `/store/` JSON event, typed the way Relay converts it: `type:"transaction"`
 * becomes a transaction, CSP-style types a security item, anything else an event.
 * @see https://develop.sentry.dev/sdk/store/
 */
export function summarizeStoreEvent(event: JsonObject): EnvelopeSummary {
  const json = isJsonObject(event) ? event : {};
  const mainType = eventMainType(json);
  const itemType = mainType === 'transaction' || mainType === 'security' ? mainType : 'event';
  return buildSummary({ header: {}, items: [{ type: itemType, json }], main: json, mainType });
}

// --- internal ---

function viewItem(item: Envelope['items'][number], readJson: PayloadReader): ItemView {
  const type = str(item?.header?.type) ?? '';
  return { type, json: JSON_ITEM_TYPES.has(type) ? readJson(item) : null };
}

/** The crash item that makes this envelope an error without an event item, or null. */
function crashKind(env: Envelope, items: ItemView[]): string | null {
  if (items.some((item) => item.type === 'event' || item.type === 'transaction')) return null;
  const kinds = env.items.map((item) => (item?.header?.type === 'unreal_report' ? 'unreal_report' : str(item?.header?.attachment_type)));
  // The dump names the crash; a bare msgpack event payload only when there is no dump.
  return kinds.find((kind) => kind !== null && kind !== 'event.payload' && kind in CRASH_TITLES) ?? kinds.find((kind) => kind === 'event.payload') ?? null;
}

function pickMain(items: ItemView[]): { main: ItemView | null; mainType: string } {
  if (items.length === 0) return { main: null, mainType: 'empty' };
  const transaction = items.find((item) => item.type === 'transaction');
  if (transaction) return { main: transaction, mainType: 'transaction' };
  const event = items.find((item) => item.type === 'event');
  if (event) return { main: event, mainType: eventMainType(event.json) };
  for (const [itemType, mainType] of FALLBACK_MAIN_TYPES) {
    const found = items.find((item) => item.type === itemType);
    if (found) return { main: found, mainType };
  }
  const first = items.find((item) => item.type !== '');
  return { main: first ?? null, mainType: first?.type ?? 'unknown' };
}

/** An event payload's own `type` decides: default/error (or none) is an error. */
function eventMainType(event: JsonObject | null): string {
  const type = str(event?.type);
  if (type === 'transaction' || type === 'feedback') return type;
  if (type !== null && SECURITY_EVENT_TYPES.has(type)) return 'security';
  return 'error';
}

function buildSummary({ header, items, main, mainType }: Parts): EnvelopeSummary {
  const dsc = obj(header.trace);
  const sdk = str(obj(main?.sdk)?.name) !== null ? obj(main?.sdk) : obj(header.sdk);
  return {
    eventId: normalizeEventId(header.event_id) ?? normalizeEventId(main?.event_id),
    itemTypes: [...new Set(items.map((item) => item.type).filter((type) => type !== ''))],
    mainType,
    platform: str(main?.platform),
    sdkName: str(sdk?.name),
    sdkVersion: str(sdk?.version),
    traceId: str(obj(obj(main?.contexts)?.trace)?.trace_id) ?? str(dsc?.trace_id) ?? containerTraceId(items),
    release: str(main?.release) ?? str(dsc?.release) ?? sessionAttribute(items, 'release'),
    environment: str(main?.environment) ?? str(dsc?.environment) ?? sessionAttribute(items, 'environment'),
    title: main ? capTitle(readTitle(main)) : null,
    level: str(main?.level),
  };
}

/** The index keeps a readable title; the full message stays in the stored body. */
const MAX_TITLE_CHARS = 512;

function capTitle(title: string | null): string | null {
  return title !== null && title.length > MAX_TITLE_CHARS ? `${title.slice(0, MAX_TITLE_CHARS - 1)}…` : title;
}

/** The first `trace_id` of a log/span container item (or of a legacy single-span item). */
function containerTraceId(items: ItemView[]): string | null {
  for (const item of items) {
    if ((item.type !== 'log' && item.type !== 'span') || item.json === null) continue;
    const entries = item.json.items;
    const first = Array.isArray(entries) ? obj(entries[0]) : item.json;
    const traceId = str(first?.trace_id);
    if (traceId !== null) return traceId;
  }
  return null;
}

function sessionAttribute(items: ItemView[], key: 'release' | 'environment'): string | null {
  for (const item of items) {
    if (item.type !== 'session' && item.type !== 'sessions') continue;
    const value = str(obj(item.json?.attrs)?.[key]);
    if (value !== null) return value;
  }
  return null;
}

function readTitle(payload: JsonObject): string | null {
  return (
    exceptionTitle(payload) ??
    messageTitle(payload) ??
    str(obj(obj(payload.contexts)?.feedback)?.message) ??
    str(payload.transaction) ??
    checkInTitle(payload) ??
    securityTitle(payload) ??
    nelTitle(payload)
  );
}

/** Browser security reports: CSP (`csp-report`), Expect-CT, Expect-Staple, or HPKP (flat). */
function securityTitle(payload: JsonObject): string | null {
  const csp = obj(payload['csp-report']);
  if (csp) {
    const directive = str(csp['effective-directive']) ?? str(csp['violated-directive']);
    return `CSP violation${directive ? ` of ${directive}` : ''}${str(csp['blocked-uri']) ? `: ${csp['blocked-uri']}` : ''}`;
  }
  const expectCt = obj(payload['expect-ct-report']);
  if (expectCt) return `Expect-CT failure for ${str(expectCt.hostname) ?? 'unknown host'}`;
  const staple = obj(payload['expect-staple-report']);
  if (staple) return `Expect-Staple failure for ${str(staple.hostname) ?? 'unknown host'}`;
  if (Array.isArray(payload['known-pins'])) return `HPKP failure for ${str(payload.hostname) ?? 'unknown host'}`;
  return null;
}

/** A Network Error Logging report: `{type, url, body: {type, …}}`. */
function nelTitle(payload: JsonObject): string | null {
  const body = obj(payload.body);
  if (payload.type !== 'network-error' || !body) return null;
  return `NEL ${str(body.type) ?? 'network error'}${str(payload.url) ? `: ${payload.url}` : ''}`;
}

/** `Type: value` of the last (outermost) exception; `values` list, bare list or legacy single object. */
function exceptionTitle(payload: JsonObject): string | null {
  const exception = payload.exception ?? payload['sentry.interfaces.Exception'];
  const values = obj(exception)?.values;
  const list = Array.isArray(exception) ? exception : Array.isArray(values) ? values : [exception];
  for (let i = list.length - 1; i >= 0; i--) {
    const entry = obj(list[i]);
    const type = str(entry?.type);
    const value = str(entry?.value);
    if (type !== null && value !== null) return `${type}: ${value}`;
    if (type !== null || value !== null) return type ?? value;
  }
  return null;
}

/** logentry (or its legacy aliases) `formatted`, then `message`, then a plain string `message`. */
function messageTitle(payload: JsonObject): string | null {
  for (const source of [payload.logentry, payload['sentry.interfaces.Message'], payload.message]) {
    const entry = obj(source);
    const text = str(entry?.formatted) ?? str(entry?.message);
    if (text !== null) return text;
  }
  return str(payload.message);
}

function checkInTitle(payload: JsonObject): string | null {
  const slug = str(payload.monitor_slug);
  const status = str(payload.status);
  if (slug === null) return null;
  return status === null ? slug : `${slug} ${status}`;
}

function obj(value: unknown): JsonObject | null {
  return isJsonObject(value) ? value : null;
}

/** A non-empty string, else null. */
function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

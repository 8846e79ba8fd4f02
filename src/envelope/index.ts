/**
 * Public surface of the envelope module: pure parsing, serialisation, summaries and DSN helpers.
 */
export { authHeader, dsnToString, envelopeUrl, parseDsn } from './dsn.ts';
export type { Dsn } from './dsn.ts';
export { isJsonObject, parseEnvelope, parseJsonPayload } from './parse.ts';
export type { ParsedEnvelope, ParsedItem } from './parse.ts';
export { envelopeFromJson, itemFromJson, serializeEnvelope } from './serialize.ts';
export type { ItemHeaderInput } from './serialize.ts';
export { decodeStoreBody } from './store-body.ts';
export { envelopeFromStored } from './stored.ts';
export { checkEnvelopeLimits, DEFAULT_ENVELOPE_LIMITS, limitViolationDetail } from './limits.ts';
export type { EnvelopeLimits, LimitViolation } from './limits.ts';
export { dashedEventId, normalizeEventId } from './event-id.ts';
export { summarizeEnvelope, summarizeStoreEvent } from './summarize.ts';
export type { Envelope, EnvelopeItem, EnvelopeSummary, JsonObject, StoredRequestMeta } from './types.ts';

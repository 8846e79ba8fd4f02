/**
 * Envelope data model shared by capture and replay.
 * The raw header lines are kept next to their parsed form so an unmodified
 * envelope serialises back to the exact bytes it was parsed from.
 * @see https://develop.sentry.dev/sdk/data-model/envelopes/
 */

/** A JSON object as found in envelope and item header lines. */
export type JsonObject = { [key: string]: unknown };

export interface EnvelopeItem {
  /** Parsed item header (`type`, `length`, `content_type`, … and unknown keys). */
  header: JsonObject;
  /**
   * The header line exactly as received (no trailing newline). When present,
   * serialisation writes these bytes instead of re-encoding `header`; set it to
   * `undefined` after changing `header` or `payload`.
   */
  rawHeader?: Uint8Array;
  /** Payload bytes, exactly as received (binary safe). */
  payload: Uint8Array;
  /** Whitespace bytes skipped before this item's header line (Relay tolerates blank lines). */
  leading?: Uint8Array;
  /** True when the payload ended at EOF rather than at a newline. */
  endsAtEof?: boolean;
}

export interface Envelope {
  header: JsonObject;
  /** Envelope header line exactly as received (no trailing newline); see `EnvelopeItem.rawHeader`. */
  rawHeader?: Uint8Array;
  items: EnvelopeItem[];
}

/** The index columns derived from a captured request. */
export interface EnvelopeSummary {
  eventId: string | null;
  itemTypes: string[];
  /** error, transaction, session, sessions, replay, check_in, log, span, profile, feedback, attachment, client_report, … */
  mainType: string;
  platform: string | null;
  sdkName: string | null;
  sdkVersion: string | null;
  traceId: string | null;
  release: string | null;
  environment: string | null;
  title: string | null;
  level: string | null;
}

/**
 * Request metadata stored beside a captured body (`content-type`, `query`, `path`, …). Converters
 * read it to rebuild what Relay would have made of a non-envelope request.
 */
export type StoredRequestMeta = Readonly<Record<string, string>>;

/** The `StoredRequestMeta` key holding the event id Undertaker assigned where Relay mints one. */
export const ASSIGNED_EVENT_ID = 'assigned_event_id';

/**
 * Capture limits as configured: Relay's `limits` keys (snake_case, as in Relay's config file) read
 * from a JSON object, validated with zod, merged over Relay's defaults.
 */
import { z } from 'zod';
import { DEFAULT_ENVELOPE_LIMITS, type EnvelopeLimits } from '../envelope/limits.ts';
import { ConfigError } from '../shared/errors.ts';

export interface IngestLimits extends EnvelopeLimits {
  /** The request body as sent, before Content-Encoding is undone (Undertaker's own setting). */
  maxRequestSize: number;
}

export const DEFAULT_LIMITS: Readonly<IngestLimits> = Object.freeze({
  ...DEFAULT_ENVELOPE_LIMITS,
  maxRequestSize: DEFAULT_ENVELOPE_LIMITS.maxEnvelopeSize,
});

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

/** A byte count: a positive integer, or text such as `"10MiB"`, `"100 KB"` (KB = 1000, KiB = 1024). */
export const byteSize = z.unknown().transform((value, ctx) => {
  const bytes = typeof value === 'number' ? value : typeof value === 'string' ? parseSize(value) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a size; write a positive byte count or a number with B, KB, KiB, MB, MiB, GB or GiB` });
    return z.NEVER;
  }
  return bytes;
});
const count = z.number().int().positive();

/** Relay's key names, so a Relay `limits:` section can be reused as is. */
const KEYS = {
  max_request_size: ['maxRequestSize', byteSize],
  max_envelope_size: ['maxEnvelopeSize', byteSize],
  max_event_size: ['maxEventSize', byteSize],
  max_attachment_size: ['maxAttachmentSize', byteSize],
  max_attachments_size: ['maxAttachmentsSize', byteSize],
  max_attachment_count: ['maxAttachmentCount', count],
  max_session_count: ['maxSessionCount', count],
  max_sessions_size: ['maxSessionsSize', byteSize],
  max_client_reports_size: ['maxClientReportsSize', byteSize],
  max_client_reports_count: ['maxClientReportsCount', count],
  max_check_in_size: ['maxCheckInSize', byteSize],
  max_profile_size: ['maxProfileSize', byteSize],
  max_log_size: ['maxLogSize', byteSize],
  max_span_size: ['maxSpanSize', byteSize],
  max_standalone_span_count: ['maxStandaloneSpanCount', count],
  max_trace_metric_size: ['maxTraceMetricSize', byteSize],
  max_container_size: ['maxContainerSize', byteSize],
  max_statsd_size: ['maxStatsdSize', byteSize],
  max_metric_buckets_size: ['maxMetricBucketsSize', byteSize],
  max_replay_compressed_size: ['maxReplayCompressedSize', byteSize],
} as const satisfies Record<string, readonly [keyof IngestLimits, z.ZodType<number, unknown>]>;

const LimitsFileSchema = z.strictObject(
  Object.fromEntries(Object.entries(KEYS).map(([key, [, schema]]) => [key, schema.optional()])) as {
    [K in keyof typeof KEYS]: z.ZodOptional<(typeof KEYS)[K][1]>;
  },
);

/** The documented keys of a limits file. */
export const LIMIT_KEYS: readonly string[] = Object.keys(KEYS);

/**
 * Validates a limits object (e.g. a parsed limits file) and merges it over `base`; throws
 * `ConfigError` listing every bad key.
 */
export function parseLimits(input: unknown, source: string, base: IngestLimits = DEFAULT_LIMITS): IngestLimits {
  const parsed = LimitsFileSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(`${source}: invalid limits\n${z.prettifyError(parsed.error)}\nknown keys: ${LIMIT_KEYS.join(', ')}`);
  }
  const limits: IngestLimits = { ...base };
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value !== undefined) limits[KEYS[key as keyof typeof KEYS][0]] = value;
  }
  // Unless set, the limit on the body as sent follows the decoded envelope limit.
  if (parsed.data.max_request_size === undefined) limits.maxRequestSize = limits.maxEnvelopeSize;
  return limits;
}

function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit ? Math.floor(Number(m[1]) * unit) : Number.NaN;
}

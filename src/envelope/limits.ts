/**
 * Relay's per-item-type size and count limits for one envelope (relay-server utils/sizes.rs),
 * as a pure check: the first offending item's Relay name, or null when the envelope fits.
 * @see https://develop.sentry.dev/sdk/foundations/transport/envelopes/#size-limits
 */
import type { Envelope, EnvelopeItem } from './types.ts';

/** Byte and count limits; defaults are Relay's (`relay-config` `Limits`, protocol.md §8). */
export interface EnvelopeLimits {
  maxEnvelopeSize: number;
  maxEventSize: number;
  maxAttachmentSize: number;
  maxAttachmentsSize: number;
  maxAttachmentCount: number;
  maxSessionCount: number;
  maxSessionsSize: number;
  maxClientReportsSize: number;
  maxClientReportsCount: number;
  maxCheckInSize: number;
  maxProfileSize: number;
  maxLogSize: number;
  maxSpanSize: number;
  maxStandaloneSpanCount: number;
  maxTraceMetricSize: number;
  maxContainerSize: number;
  maxStatsdSize: number;
  maxMetricBucketsSize: number;
  maxReplayCompressedSize: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const DEFAULT_ENVELOPE_LIMITS: Readonly<EnvelopeLimits> = Object.freeze({
  maxEnvelopeSize: 200 * MiB,
  maxEventSize: MiB,
  maxAttachmentSize: 200 * MiB,
  maxAttachmentsSize: 200 * MiB,
  maxAttachmentCount: 30,
  maxSessionCount: 100,
  maxSessionsSize: 10 * MiB,
  maxClientReportsSize: 100 * KiB,
  maxClientReportsCount: 100,
  maxCheckInSize: 100 * KiB,
  maxProfileSize: 50 * MiB,
  maxLogSize: 2 * MiB,
  maxSpanSize: 10 * MiB,
  maxStandaloneSpanCount: 25,
  maxTraceMetricSize: MiB,
  maxContainerSize: 12 * MiB,
  maxStatsdSize: MiB,
  maxMetricBucketsSize: MiB,
  maxReplayCompressedSize: 10 * MiB,
});

export interface LimitViolation {
  /** Relay's name for the offending item (`event`, `attachment:minidump`, `user_report_v2`, …). */
  type: string;
  /** Which limit was hit, with the numbers. */
  reason: string;
}

/** Relay's 413 detail for a violation. */
export function limitViolationDetail(violation: LimitViolation): string {
  return `envelope exceeded size limits for type '${violation.type}' (https://develop.sentry.dev/sdk/envelopes/#size-limits)`;
}

/**
 * Applies the limits item by item in envelope order, as Relay does. Unknown item types are not
 * limited (Relay forwards or drops them as they are).
 */
export function checkEnvelopeLimits(env: Envelope, limits: EnvelopeLimits): LimitViolation | null {
  const groups = createGroups(limits);
  for (const item of env.items) {
    const type = typeof item.header.type === 'string' ? item.header.type : '';
    const group = groups[groupOf(type, item)];
    if (!group) continue;
    const reason = group.apply(item);
    if (reason) return { type: discardTypeName(type, item), reason: `${type} item: ${reason}` };
  }
  return null;
}

// --- internal ---

/** Item type → limit group (sizes.rs); a missing entry means "not limited". */
const GROUP_BY_TYPE: Record<string, string> = {
  event: 'event', transaction: 'event', security: 'event', replay_event: 'event', raw_security: 'event',
  feedback: 'event', form_data: 'event',
  attachment: 'attachment', unreal_report: 'attachment', user_report: 'attachment',
  replay_recording: 'replay_recording', replay_video: 'replay_video',
  session: 'session', sessions: 'session', client_report: 'client_report',
  profile: 'profile', profile_chunk: 'profile', check_in: 'check_in', statsd: 'statsd',
  metric_buckets: 'metric_buckets', log: 'log', trace_metric: 'trace_metric', span: 'span',
};

/** Relay's outcome names for attachment types (DiscardAttachmentType). */
const ATTACHMENT_NAMES: Record<string, string> = {
  'event.attachment': 'attachment', 'event.minidump': 'minidump', 'event.applecrashreport': 'apple_crash_report',
  'event.payload': 'event_payload', 'event.breadcrumbs': 'breadcrumbs', 'event.view_hierarchy': 'view_hierarchy',
  'unreal.context': 'unreal_context', 'unreal.logs': 'unreal_logs', 'playstation.prosperodump': 'prosperodump',
};

function discardTypeName(type: string, item: EnvelopeItem): string {
  const attachmentType = item.header.attachment_type;
  if (typeof attachmentType === 'string') return `attachment:${ATTACHMENT_NAMES[attachmentType] ?? 'attachment'}`;
  if (type === 'attachment') return 'attachment:attachment';
  // Relay's ItemType::UserReportV2 is written `feedback` on the wire but named user_report_v2 in outcomes.
  if (type === 'feedback') return 'user_report_v2';
  return GROUP_BY_TYPE[type] ? type : 'unknown';
}

function groupOf(type: string, item: EnvelopeItem): string {
  // A span item is a v2 container or a legacy standalone span, each with its own limits.
  if (type === 'span') return isContainer(item) ? 'span' : 'span_legacy';
  return GROUP_BY_TYPE[type] ?? '';
}

/** Container items carry `application/vnd.sentry.items.*+json` payloads with an `item_count`. */
function isContainer(item: EnvelopeItem): boolean {
  const ct = item.header.content_type;
  return typeof ct === 'string' && ct.toLowerCase().startsWith('application/vnd.sentry.items.');
}

class Limit {
  constructor(
    private readonly name: string,
    private readonly itemSize: number,
    private totalCount: number,
    private totalSize: number,
  ) {}

  /** Consumes one item; a reason string when it breaks a limit. */
  apply(item: EnvelopeItem): string | null {
    const length = item.payload.byteLength;
    // Containers are checked against the per-entry limit on average, as Relay does.
    const count = Number(item.header.item_count);
    const size = isContainer(item) && Number.isInteger(count) && count > 1 ? Math.floor(length / count) : length;
    if (size > this.itemSize) return `${size} bytes exceed the ${this.name} item limit of ${this.itemSize} bytes`;
    if (--this.totalCount < 0) return `more ${this.name} items than allowed in one envelope`;
    this.totalSize -= length;
    if (this.totalSize < 0) return `${this.name} items together exceed their total size limit`;
    return null;
  }
}

function createGroups(l: EnvelopeLimits): Record<string, Limit> {
  const single = (name: string, size: number) => new Limit(name, size, 1, size);
  return {
    event: single('event', l.maxEventSize),
    attachment: new Limit('attachment', l.maxAttachmentSize, l.maxAttachmentCount, l.maxAttachmentsSize),
    replay_recording: single('replay_recording', l.maxReplayCompressedSize),
    replay_video: single('replay_video', l.maxReplayCompressedSize),
    session: new Limit('session', l.maxSessionsSize, l.maxSessionCount, l.maxSessionsSize),
    client_report: new Limit('client_report', l.maxClientReportsSize, l.maxClientReportsCount, l.maxClientReportsSize),
    profile: single('profile', l.maxProfileSize),
    check_in: single('check_in', l.maxCheckInSize),
    statsd: single('statsd', l.maxStatsdSize),
    metric_buckets: single('metric_buckets', l.maxMetricBucketsSize),
    log: new Limit('log', l.maxLogSize, 1, l.maxContainerSize),
    trace_metric: new Limit('trace_metric', l.maxTraceMetricSize, 1, l.maxContainerSize),
    span: new Limit('span', l.maxSpanSize, 1, l.maxContainerSize),
    span_legacy: new Limit('span', l.maxSpanSize, l.maxStandaloneSpanCount, l.maxContainerSize),
  };
}

/**
 * One replay run: select stored envelopes, rewrite each to look live (one id map
 * and one time delta per trace), send, and report. Streams from the store, so
 * memory does not grow with the number of envelopes.
 */
import { type Dsn, dsnToString } from '../envelope/dsn.ts';
import { serializeEnvelope } from '../envelope/serialize.ts';
import { envelopeFromStored } from '../envelope/stored.ts';
import type { EnvelopeFilter, EnvelopeRecord, Store } from '../store/index.ts';
import { createIdMinter, IdMap } from './ids.ts';
import { DEFAULT_LEAD_SECONDS, planDelta, rewriteEnvelope } from './rewrite.ts';
import type { SendOutcome, Sender } from './sender.ts';

export interface ReplayOptions {
  filter: EnvelopeFilter;
  destination: Dsn;
  dryRun?: boolean;
  /** Seconds between now and the newest replayed timestamp of each trace. */
  leadSeconds?: number;
  /** Makes minted ids deterministic. */
  seed?: number;
}

export interface EnvelopeOutcome {
  id: number;
  mainType: string;
  title: string | null;
  oldEventId: string | null;
  newEventId: string | null;
  deltaSeconds: number;
  /** Absent on a dry run. */
  send?: SendOutcome;
  /** Set when the stored envelope could not be rewritten (it is skipped, not sent). */
  error?: string;
}

export interface ReplayReport {
  selected: number;
  sent: number;
  accepted: number;
  rejected: number;
  failed: number;
  skipped: number;
  /** Count of responses per HTTP status ("network" when none arrived). */
  byStatus: Record<string, number>;
  dryRun: boolean;
}

export interface ReplayDeps {
  store: Store;
  send: Sender;
  now: () => number;
  onEnvelope?: (outcome: EnvelopeOutcome) => void;
  /** Checked between envelopes; a true value ends the run early (in-flight send completes). */
  shouldStop?: () => boolean;
}

export async function runReplay(deps: ReplayDeps, opts: ReplayOptions): Promise<ReplayReport> {
  const report: ReplayReport = { selected: 0, sent: 0, accepted: 0, rejected: 0, failed: 0, skipped: 0, byStatus: {}, dryRun: !!opts.dryRun };
  const newestByTrace = await deps.store.newestPerTrace(opts.filter);
  const ids = new IdMap(createIdMinter(opts.seed ?? undefined));
  const nowSeconds = deps.now() / 1000;
  const destination = { publicKey: opts.destination.publicKey, dsn: dsnToString(opts.destination) };
  for await (const record of deps.store.iterateEnvelopes({ ...opts.filter, order: 'asc' })) {
    if (deps.shouldStop?.()) break;
    report.selected++;
    const newestMs = (record.traceId ? newestByTrace.get(record.traceId) : undefined) ?? record.eventTs ?? record.receivedAt;
    const deltaSeconds = planDelta(newestMs / 1000, nowSeconds, opts.leadSeconds ?? DEFAULT_LEAD_SECONDS);
    const outcome = await replayOne(deps, record, { deltaSeconds, ids, destination, dryRun: !!opts.dryRun });
    tally(report, outcome);
    deps.onEnvelope?.(outcome);
  }
  return report;
}

// --- internal ---

async function replayOne(
  deps: ReplayDeps,
  record: EnvelopeRecord,
  ctx: { deltaSeconds: number; ids: IdMap; destination: { publicKey: string; dsn: string }; dryRun: boolean },
): Promise<EnvelopeOutcome> {
  const base = { id: record.id, mainType: record.mainType, title: record.title, oldEventId: record.eventId, deltaSeconds: ctx.deltaSeconds };
  let body: Uint8Array;
  let newEventId: string | null;
  try {
    const rewritten = rewriteEnvelope(envelopeFromStored(record.endpoint, record.body), { ...ctx, sentAt: new Date(deps.now()) });
    newEventId = typeof rewritten.header.event_id === 'string' ? rewritten.header.event_id.replaceAll('-', '').toLowerCase() : null;
    body = serializeEnvelope(rewritten);
  } catch (error) {
    return { ...base, newEventId: null, error: `cannot rewrite stored envelope: ${(error as Error).message}` };
  }
  if (ctx.dryRun) return { ...base, newEventId };
  return { ...base, newEventId, send: await deps.send(body) };
}

function tally(report: ReplayReport, outcome: EnvelopeOutcome): void {
  if (outcome.error) {
    report.skipped++;
    return;
  }
  if (!outcome.send) return;
  report.sent++;
  const key = outcome.send.status === null ? 'network' : String(outcome.send.status);
  report.byStatus[key] = (report.byStatus[key] ?? 0) + 1;
  if (outcome.send.ok) report.accepted++;
  else if (outcome.send.status === null) report.failed++;
  else report.rejected++;
}

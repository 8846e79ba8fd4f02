/** The JSON shapes of replay history (CLI `--json` and the HTTP API share them; keys are stable). */
import type { ReplayOutcomeRow, ReplayRunRow } from '../store/index.ts';

export function runToJson(r: ReplayRunRow) {
  return {
    id: r.id,
    status: r.status,
    trigger: r.trigger,
    started_at: new Date(r.startedAt).toISOString(),
    finished_at: r.finishedAt === null ? null : new Date(r.finishedAt).toISOString(),
    options: r.options,
    selected: r.selected,
    sent: r.sent,
    accepted: r.accepted,
    rejected: r.rejected,
    failed: r.failed,
    rate_limited: r.rateLimited,
    skipped: r.skipped,
    by_status: r.byStatus,
    error: r.error,
  };
}

export function outcomeToJson(o: ReplayOutcomeRow) {
  return {
    id: o.id,
    envelope_id: o.envelopeId,
    destination: o.destination,
    at: new Date(o.at).toISOString(),
    outcome: o.outcome,
    http_status: o.httpStatus,
    reason: o.reason,
    attempts: o.attempts,
    old_event_id: o.oldEventId,
    new_event_id: o.newEventId,
    new_trace_id: o.newTraceId,
  };
}

/** TypeBox schemas of the replay API: the start request (the CLI's options) and history responses. */
import { t } from 'elysia';

const opt = <T extends Parameters<typeof t.Optional>[0]>(schema: T) => t.Optional(schema);
const nullable = <T extends Parameters<typeof t.Union>[0][number]>(schema: T) => t.Union([schema, t.Null()]);
const text = (description: string) => opt(t.String({ minLength: 1, maxLength: 500, description }));

/** The body of POST /api/replays; keys are the CLI flags in camelCase (`--dry-run` → `dryRun`). */
export const ReplayStartBody = t.Object({
  dsn: text('Destination for everything; overrides routing and config'),
  config: text("Path of a routing config file on the server (default: serve's --replay-config)"),
  routing: opt(t.Record(t.String(), t.Unknown(), { description: 'A routing config inline, same shape as the file' })),
  type: text('Only this main type'),
  platform: text('Only this platform'),
  sdk: text('Only this SDK name'),
  project: opt(t.Integer({ minimum: 0, description: 'Only this project id' })),
  limit: opt(t.Integer({ minimum: 1, description: 'At most N envelopes' })),
  ids: opt(t.Array(t.Integer({ minimum: 1 }), { maxItems: 10_000, description: 'Only these stored envelopes' })),
  dryRun: opt(t.Boolean({ description: 'Rewrite and record, send nothing' })),
  force: opt(t.Boolean({ description: "Replay even into this server's own capture address" })),
  seed: opt(t.Integer({ minimum: 0, description: 'Deterministic new ids' })),
  pace: opt(t.Union([t.Literal('now'), t.Literal('recorded')])),
  speed: opt(t.Number({ exclusiveMinimum: 0, description: 'With pace recorded: N times faster' })),
  spread: text('Spread the sends over this duration (10m)'),
  rate: opt(t.Union([t.Number({ exclusiveMinimum: 0 }), t.String({ minLength: 1, maxLength: 20 })], { description: 'Envelopes per second, or "N/s", "N/m", "N/h"' })),
  concurrency: opt(t.Integer({ minimum: 1, maximum: 64 })),
  maxWait: text('Longest wait for a rate limit at the end of the run (5m; "0" never waits)'),
  release: text('A fixed release, or "calver"'),
  environment: text('A fixed environment'),
  tags: opt(t.Array(t.String({ minLength: 3, maxLength: 240 }), { maxItems: 50, description: '"key:value" each' })),
  marker: opt(t.Boolean({ description: 'Add the undertaker.run:<run id> tag (default true)' })),
  rotateUsers: opt(t.Boolean({ description: 'Replace users with fake ones from a stable pool' })),
}, {
  // A misspelt option (`dryrun`, `dry_run`) must not start a real run with it ignored.
  additionalProperties: false,
});
export type ReplayStartBody = typeof ReplayStartBody.static;

export const ReplayStarted = t.Object({
  id: t.Integer({ description: 'The run id; GET /api/replays/{id} follows it' }),
  status: t.Literal('running'),
});

export const ReplayRun = t.Object({
  id: t.Integer(),
  status: t.String({ description: 'running, succeeded, failed or stopped' }),
  trigger: t.String({ description: 'cli, api or schedule' }),
  started_at: t.String(),
  finished_at: nullable(t.String()),
  options: t.Record(t.String(), t.Unknown()),
  selected: t.Integer(),
  sent: t.Integer(),
  accepted: t.Integer(),
  rejected: t.Integer(),
  failed: t.Integer(),
  rate_limited: t.Integer(),
  skipped: t.Integer(),
  by_status: t.Record(t.String(), t.Integer()),
  error: nullable(t.String()),
});

export const ReplayOutcome = t.Object({
  id: t.Integer(),
  envelope_id: t.Integer(),
  destination: t.String(),
  at: t.String(),
  outcome: t.String({ description: 'accepted, rejected, failed, rate_limited, skipped or dry_run' }),
  http_status: nullable(t.Integer()),
  reason: nullable(t.String()),
  attempts: t.Integer(),
  old_event_id: nullable(t.String()),
  new_event_id: nullable(t.String()),
  new_trace_id: nullable(t.String()),
});

export const ReplayRunList = t.Object({
  runs: t.Array(ReplayRun),
  next_cursor: nullable(t.String({ description: 'Pass as `cursor` for the next (older) page' })),
});

export const ReplayRunDetail = t.Composite([
  ReplayRun,
  t.Object({
    outcomes: t.Array(ReplayOutcome),
    next_outcome_cursor: nullable(t.String({ description: 'Pass as `after` for the next page of outcomes' })),
  }),
]);

export const ReplayListQuery = t.Object({
  limit: opt(t.Numeric({ minimum: 1, maximum: 500, default: 50 })),
  cursor: opt(t.String({ pattern: '^[0-9]+$' })),
  status: opt(t.Union([t.Literal('running'), t.Literal('succeeded'), t.Literal('failed'), t.Literal('stopped')])),
});

export const ReplayDetailQuery = t.Object({
  limit: opt(t.Numeric({ minimum: 1, maximum: 10_000, default: 1000 })),
  after: opt(t.Numeric({ minimum: 0, description: 'Only outcomes with a larger id' })),
  outcome: opt(t.Union(['accepted', 'rejected', 'failed', 'rate_limited', 'skipped', 'dry_run'].map((o) => t.Literal(o)))),
});

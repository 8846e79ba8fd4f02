/**
 * TypeBox schemas of the JSON API (request validation and the OpenAPI document); the
 * static types come from `typeof X.static`, so handlers and schemas cannot drift apart.
 */
import { t } from 'elysia';

/** A filter value; empty means no filter (a browser form sends every field, the empty ones too). */
const text = (description: string) => t.Optional(t.String({ maxLength: 1000, description }));

/** Filters shared by the event list, stats and the page. */
export const EventFilterQuery = t.Object({
  type: text('Main type: error, transaction, session, sessions, replay, check_in, log, span, profile, …'),
  platform: text('Platform of the event (python, node, javascript, go, …)'),
  sdk: text('SDK name as reported, e.g. sentry.python'),
  project: t.Optional(t.Union([t.Numeric({ minimum: 0 }), t.Literal('')], { description: 'Project id from the DSN the SDK used (empty: any)' })),
  release: text('Exact release'),
  environment: text('Exact environment'),
  since: text('Received at or after this time: ISO 8601 (no zone means UTC) or epoch milliseconds'),
  until: text('Received before this time: ISO 8601 (no zone means UTC) or epoch milliseconds'),
  q: text('Free text: part of the title (case-insensitive), or an event id'),
});
export type EventFilterQuery = typeof EventFilterQuery.static;

export const EventListQuery = t.Composite([
  EventFilterQuery,
  t.Object({
    limit: t.Optional(t.Numeric({ minimum: 1, maximum: 500, default: 50, description: 'Page size' })),
    cursor: t.Optional(t.String({ pattern: '^[0-9]+$', description: 'next_cursor of the previous page' })),
    after: t.Optional(t.Numeric({ minimum: 0, description: 'Only envelopes with a larger id (poll for new arrivals)' })),
  }),
]);
export type EventListQuery = typeof EventListQuery.static;

const nullable = <T extends Parameters<typeof t.Union>[0][number]>(schema: T) => t.Union([schema, t.Null()]);

export const EventRow = t.Object({
  id: t.Integer({ description: 'Envelope id in this Undertaker' }),
  received_at: t.String({ format: 'date-time' }),
  endpoint: t.String({ description: 'Ingest endpoint: envelope, store, …' }),
  project_id: t.Integer(),
  public_key: nullable(t.String()),
  event_id: nullable(t.String()),
  type: t.String({ description: 'Main type' }),
  item_types: t.Array(t.String()),
  platform: nullable(t.String()),
  sdk: nullable(t.String()),
  sdk_version: nullable(t.String()),
  trace_id: nullable(t.String()),
  release: nullable(t.String()),
  environment: nullable(t.String()),
  title: nullable(t.String()),
  level: nullable(t.String()),
  size: t.Integer({ description: 'Stored body bytes' }),
});

export const EventList = t.Object({
  events: t.Array(EventRow),
  next_cursor: nullable(t.String({ description: 'Pass as `cursor` for the next (older) page; null on the last page' })),
});

const JsonObject = t.Record(t.String(), t.Unknown());

export const EventItem = t.Object({
  index: t.Integer(),
  type: t.String(),
  header: JsonObject,
  length: t.Integer({ description: 'Payload bytes' }),
  ids: nullable(t.Record(t.String(), t.String())),
  known: t.Boolean({ description: 'False for item types not in Relay’s catalogue' }),
  payload: t.Optional(JsonObject),
  binary: t.Optional(
    t.Object({
      size: t.Integer(),
      content_type: nullable(t.String()),
      filename: nullable(t.String()),
      preview_hex: t.String(),
      preview_text: nullable(t.String()),
    }),
  ),
  raw_url: t.String({ description: 'The payload bytes as stored' }),
});

export const EventDetail = t.Composite([
  EventRow,
  t.Object({
    request: t.Record(t.String(), t.String(), { description: 'Request metadata recorded at capture' }),
    raw_url: t.String(),
    parse_error: nullable(t.String()),
    header: JsonObject,
    items: t.Array(EventItem),
  }),
]);

export const IdParams = t.Object({ id: t.Numeric({ minimum: 1 }) });
export const ItemParams = t.Object({ id: t.Numeric({ minimum: 1 }), index: t.Numeric({ minimum: 0 }) });

export const DeleteBody = t.Object({
  ids: t.Array(t.Integer({ minimum: 1 }), { minItems: 1, maxItems: 1000, description: 'Envelope ids to delete' }),
});
export const Deleted = t.Object({ deleted: t.Integer({ description: 'How many envelopes existed and were deleted' }) });

const Counts = t.Array(t.Object({ key: nullable(t.String()), count: t.Integer() }));
export const Stats = t.Object({
  total: t.Integer(),
  by_platform: Counts,
  by_type: Counts,
  by_sdk: Counts,
  by_day: t.Array(t.Object({ key: nullable(t.String({ description: 'YYYY-MM-DD (UTC)' })), count: t.Integer() })),
});

export const ErrorBody = t.Object({ error: t.Object({ code: t.String(), message: t.String() }) });

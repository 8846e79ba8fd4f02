/**
 * `/api/events` and `/api/stats`: list with filters and cursor pages, one event decoded, the raw
 * stored bytes and item payloads, deletes, and counts. Every route carries its TypeBox schemas.
 */
import { Elysia } from 'elysia';
import { envelopeFromStored } from '../../envelope/stored.ts';
import { NotFoundError } from '../../shared/errors.ts';
import type { Store } from '../../store/index.ts';
import { filterFromQuery } from './filter.ts';
import { DeleteBody, Deleted, ErrorBody, EventDetail, EventList, EventListQuery, EventFilterQuery, IdParams, ItemParams, Stats } from './model.ts';
import { eventToJson, rowToJson } from './shape.ts';

export const DEFAULT_PAGE_SIZE = 50;

const BINARY_RESPONSE = { description: 'The bytes as stored', content: { 'application/octet-stream': { schema: { type: 'string' as const, format: 'binary' } } } };

export function createEventsApi(deps: { store: Store }) {
  const { store } = deps;
  return new Elysia({ name: 'api-events', prefix: '/api' })
    .get('/events', ({ query }) => listEvents(store, query), {
      query: EventListQuery,
      response: { 200: EventList, 400: ErrorBody },
      detail: { tags: ['events'], summary: 'List captured envelopes, newest first', description: 'Filters combine with AND. Page with `cursor`; poll for new arrivals with `after`.' },
    })
    .get('/events/:id', async ({ params }) => eventToJson(await mustGet(store, params.id), await store.listItems(params.id)), {
      params: IdParams,
      response: { 200: EventDetail, 404: ErrorBody },
      detail: { tags: ['events'], summary: 'One envelope: index fields, envelope header and every item decoded' },
    })
    .get('/events/:id/raw', async ({ params }) => rawEnvelope(await mustGet(store, params.id)), {
      params: IdParams,
      detail: { tags: ['events'], summary: 'The stored request body, byte for byte', responses: { 200: BINARY_RESPONSE } },
    })
    .get('/events/:id/items/:index/raw', async ({ params }) => rawItem(await mustGet(store, params.id), params.index), {
      params: ItemParams,
      detail: { tags: ['events'], summary: 'One item’s payload bytes (attachments, recordings, …)', responses: { 200: BINARY_RESPONSE } },
    })
    .delete(
      '/events/:id',
      async ({ params }) => {
        if (!(await store.deleteEnvelopes([params.id]))) throw new NotFoundError(`no envelope with id ${params.id}`);
        return { deleted: 1 };
      },
      { params: IdParams, response: { 200: Deleted, 404: ErrorBody }, detail: { tags: ['events'], summary: 'Delete one envelope' } },
    )
    .delete('/events', async ({ body }) => ({ deleted: await store.deleteEnvelopes([...new Set(body.ids)]) }), {
      body: DeleteBody,
      response: { 200: Deleted, 400: ErrorBody },
      detail: { tags: ['events'], summary: 'Delete several envelopes; ids that do not exist are ignored' },
    })
    .get('/stats', async ({ query }) => statsToJson(await store.countEnvelopes(filterFromQuery(query))), {
      query: EventFilterQuery,
      response: { 200: Stats, 400: ErrorBody },
      detail: { tags: ['stats'], summary: 'Counts of matching envelopes by platform, type, SDK and UTC day' },
    });
}

/** One page, newest first; reads one row more than asked to know whether an older page exists. */
export async function listEvents(store: Store, query: EventListQuery) {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const rows = await store.listEnvelopes({
    ...filterFromQuery(query),
    ...(query.cursor ? { beforeId: Number(query.cursor) } : {}),
    ...(query.after !== undefined ? { afterId: query.after } : {}),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return { events: page.map(rowToJson), next_cursor: rows.length > limit ? String(page[page.length - 1]!.id) : null };
}

export function statsToJson(c: Awaited<ReturnType<Store['countEnvelopes']>>) {
  return { total: c.total, by_platform: c.byPlatform, by_type: c.byType, by_sdk: c.bySdk, by_day: c.byDay };
}

// --- internal ---

async function mustGet(store: Store, id: number) {
  const record = await store.getEnvelope(id);
  if (!record) throw new NotFoundError(`no envelope with id ${id}`);
  return record;
}

function rawEnvelope(record: NonNullable<Awaited<ReturnType<Store['getEnvelope']>>>): Response {
  const isStore = record.endpoint === 'store';
  return download(record.body, isStore ? 'application/json' : 'application/x-sentry-envelope', `${isStore ? 'event' : 'envelope'}-${record.id}.${isStore ? 'json' : 'envelope'}`);
}

function rawItem(record: NonNullable<Awaited<ReturnType<Store['getEnvelope']>>>, index: number): Response {
  const item = envelopeFromStored(record.endpoint, record.body, record.requestMeta).items[index];
  if (!item) throw new NotFoundError(`envelope ${record.id} has no item ${index}`);
  const type = typeof item.header.content_type === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(item.header.content_type) ? item.header.content_type : 'application/octet-stream';
  const name = typeof item.header.filename === 'string' ? item.header.filename : `envelope-${record.id}-item-${index}.bin`;
  return download(item.payload, type, name);
}

/**
 * Captured bytes come from anyone who can reach the capture routes: they are always served as a
 * download, sandboxed and unsniffed, so an HTML "attachment" can never run as this page's origin.
 */
function download(bytes: Uint8Array, contentType: string, filename: string): Response {
  const ascii = filename.replace(/[^\w.-]/g, '_').slice(0, 120) || 'download.bin';
  // Stored bodies are plain ArrayBuffer-backed; the cast only narrows the generic for BodyInit.
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'content-type': contentType,
      'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'content-security-policy': "sandbox; default-src 'none'",
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  });
}

/**
 * The page's routes: event list (and the live-row fragment it polls), event view, stats, replays,
 * and the embedded assets. HTML is rendered on the server; the client script only adds live bits.
 */
import { Elysia, t } from 'elysia';
import type { Store } from '../../store/index.ts';
import { listEvents } from '../api/events.ts';
import { filterFromQuery } from '../api/filter.ts';
import { EventFilterQuery, EventListQuery } from '../api/model.ts';
import { eventToJson, rowToJson } from '../api/shape.ts';
import { renderEvent } from './event.tsx';
import { EventRowView, renderList } from './list.tsx';
import { renderMessage } from './message.tsx';
import { RunTable, renderReplays, renderRun } from './replays.tsx';
import { assetResponse, htmlPage } from './respond.ts';
import { renderStats } from './stats.tsx';

const LIVE_BATCH = 100;
const HIDE = { detail: { hide: true } };

export function createUiRoutes(deps: { store: Store; loggedIn: boolean }) {
  const { store, loggedIn } = deps;
  return new Elysia({ name: 'ui' })
    .get(
      '/',
      async ({ query, request }) => {
        const [page, counts] = await Promise.all([listEvents(store, query), store.countEnvelopes({}, { byDay: false })]);
        const host = new URL(request.url).host;
        const dsnExample = `http://0123456789abcdef0123456789abcdef@${request.headers.get('host') ?? host}/1`;
        return htmlPage(renderList({ rows: page.events, nextCursor: page.next_cursor, query, counts, loggedIn, dsnExample }));
      },
      { query: EventListQuery, ...HIDE },
    )
    .get(
      '/ui/rows',
      async ({ query }) => {
        // Oldest first from `after`, so a burst larger than one batch is delivered over several polls in order.
        const rows = await store.listEnvelopes({ ...filterFromQuery(query), afterId: query.after ?? 0, order: 'asc', limit: LIVE_BATCH });
        const html = await Promise.all(rows.reverse().map((r) => EventRowView({ row: rowToJson(r) })));
        return htmlPage(html.join(''));
      },
      { query: EventListQuery, ...HIDE },
    )
    .get(
      '/events/:id',
      async ({ params, query }) => {
        const record = await store.getEnvelope(params.id);
        if (!record) return htmlPage(renderMessage({ title: 'Not found', text: `No envelope with id ${params.id}; it may have been deleted.`, loggedIn }), 404);
        const event = eventToJson(record, await store.listItems(params.id));
        return htmlPage(renderEvent({ event, loggedIn, raw: query.view === 'raw' }));
      },
      { params: t.Object({ id: t.Numeric({ minimum: 1 }) }), query: t.Object({ view: t.Optional(t.String()) }), ...HIDE },
    )
    .get(
      '/stats',
      async ({ query }) => {
        const filter = filterFromQuery(query);
        const [counts, all] = await Promise.all([store.countEnvelopes(filter), store.countEnvelopes({}, { byDay: false })]);
        return htmlPage(renderStats({ counts, all, query, loggedIn }));
      },
      { query: EventFilterQuery, ...HIDE },
    )
    .get(
      '/replays',
      async ({ query }) => {
        const ids = (query.ids ?? '').split(',').filter((s) => /^\d+$/.test(s)).map(Number).slice(0, 1000);
        const [counts, runs, selected] = await Promise.all([
          store.countEnvelopes({}, { byDay: false }),
          store.listReplayRuns({ limit: 50 }),
          ids.length ? store.listEnvelopes({ ids, limit: ids.length }) : [],
        ]);
        return htmlPage(renderReplays({ selected: selected.map(rowToJson), counts, runs, loggedIn }));
      },
      { query: t.Object({ ids: t.Optional(t.String()) }), ...HIDE },
    )
    .get(
      '/replays/:id',
      async ({ params }) => {
        const run = await store.getReplayRun(params.id);
        if (!run) return htmlPage(renderMessage({ title: 'Not found', text: `No replay run with id ${params.id}.`, loggedIn }), 404);
        return htmlPage(renderRun({ run, outcomes: await store.listReplayOutcomes(params.id, { limit: 1000 }), loggedIn }));
      },
      { params: t.Object({ id: t.Numeric({ minimum: 1 }) }), ...HIDE },
    )
    .get(
      '/ui/replay-runs',
      async ({ query }) => {
        const runs = query.id ? [await store.getReplayRun(query.id)].filter((r) => r !== null) : await store.listReplayRuns({ limit: 50 });
        return htmlPage(RunTable({ runs }));
      },
      { query: t.Object({ id: t.Optional(t.Numeric({ minimum: 1 })) }), ...HIDE },
    )
}

/** The embedded script, style sheet and icon; public, so the login form is styled too. */
export function createAssetRoutes() {
  return new Elysia({ name: 'ui-assets' }).get('/ui/:asset', ({ params, set }) => assetResponse(params.asset) ?? ((set.status = 404), 'not found'), HIDE);
}

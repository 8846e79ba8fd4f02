/** @jsxImportSource @kitajs/html */
/**
 * The event list: filters (a plain GET form), one table row per captured envelope, older pages by
 * cursor. The client script polls /ui/rows?after=<newest id> and prepends what arrived.
 */
import type { EnvelopeCounts } from '../../store/index.ts';
import type { EventListQuery } from '../api/model.ts';
import type { EventRowJson } from '../api/shape.ts';
import { formatBytes, KindBadge, Layout, Time, untitledLabel } from './layout.tsx';

export interface ListProps {
  rows: EventRowJson[];
  nextCursor: string | null;
  query: EventListQuery;
  /** Unfiltered counts: the total and the values offered in the selects. */
  counts: EnvelopeCounts;
  loggedIn: boolean;
  /** Example DSN for the empty state, built from the address the browser used. */
  dsnExample: string;
}

const FILTER_KEYS = ['q', 'type', 'platform', 'sdk', 'project', 'release', 'environment', 'since', 'until'] as const;

export function renderList(p: ListProps): JSX.Element {
  const filters = filterParams(p.query);
  const filtered = filters.toString() !== '';
  const firstPage = !p.query.cursor;
  return (
    <Layout title="Events" section="events" loggedIn={p.loggedIn}>
      <div class="page-head">
        <h1>Events</h1>
        <span class="muted" id="total" data-count={String(p.counts.total)} safe>{`${p.counts.total} captured`}</span>
        <span class="spacer"></span>
        {!!firstPage && (
          <span id="live" class="live" title="New events appear without reloading">
            Live
          </span>
        )}
      </div>
      <FilterForm query={p.query} counts={p.counts} filtered={filtered} />
      <div class="toolbar">
        <button type="button" id="delete-selected" class="danger" disabled>
          Delete selected
        </button>
        <button type="button" id="replay-selected" disabled>
          Replay selected…
        </button>
        <span id="selection-note" class="muted"></span>
      </div>
      <table class="events">
        <thead>
          <tr>
            <th class="check">
              <input type="checkbox" id="select-all" aria-label="Select all" />
            </th>
            <th>Event</th>
            <th>Platform</th>
            <th>SDK</th>
            <th>Project</th>
            <th>Release · Env</th>
            <th>Received</th>
            <th class="num">Size</th>
          </tr>
        </thead>
        <tbody id="event-rows" data-live={firstPage ? `/ui/rows?${filters.toString()}` : ''} data-newest={String(p.rows[0]?.id ?? 0)}>
          {p.rows.map((r) => (
            <EventRowView row={r} />
          ))}
        </tbody>
      </table>
      {!p.rows.length && <EmptyState filtered={filtered} dsn={p.dsnExample} />}
      <div class="pager">
        {!firstPage && <a href={`/?${filters.toString()}`}>← Newest</a>}
        {!!p.nextCursor && <a href={`/?${withParam(filters, 'cursor', p.nextCursor)}`}>Older →</a>}
      </div>
    </Layout>
  );
}

/** One row; also what /ui/rows returns for the live update. */
export function EventRowView({ row }: { row: EventRowJson }): JSX.Element {
  return (
    <tr data-id={String(row.id)}>
      <td class="check">
        <input type="checkbox" class="row-check" value={String(row.id)} aria-label={`Select ${row.id}`} />
      </td>
      <td class="event-cell">
        <a class={row.title ? 'title' : 'title untitled'} href={`/events/${row.id}`} safe>
          {row.title ?? untitledLabel(row.type)}
        </a>
        <div class="sub">
          <KindBadge type={row.type} level={row.level} />
          <span class="mono muted" safe>
            {row.event_id ? row.event_id.slice(0, 8) : `#${row.id}`}
          </span>
          {row.item_types.length > 1 && (
            <span class="muted" safe>
              {row.item_types.join(' · ')}
            </span>
          )}
        </div>
      </td>
      <td safe>{row.platform ?? ''}</td>
      <td class="muted" safe>
        {sdkLabel(row)}
      </td>
      <td safe>{String(row.project_id)}</td>
      <td class="muted" safe>
        {[row.release, row.environment].filter(Boolean).join(' · ')}
      </td>
      <td class="nowrap">
        <Time ms={Date.parse(row.received_at)} />
      </td>
      <td class="num muted" safe>{formatBytes(row.size)}</td>
    </tr>
  );
}

/** The list's filters as query parameters (only those set), for links and the live poll. */
export function filterParams(q: EventListQuery): URLSearchParams {
  const out = new URLSearchParams();
  for (const k of FILTER_KEYS) if (q[k] !== undefined && q[k] !== '') out.set(k, String(q[k]));
  return out;
}

/** The filter form; `action` is the page it reloads (the list or the stats). */
export function FilterForm({ query, counts, filtered, action = '/' }: { query: EventListQuery; counts: EnvelopeCounts; filtered: boolean; action?: string }): JSX.Element {
  const select = (name: 'type' | 'platform' | 'sdk', label: string, entries: EnvelopeCounts['byType']) => (
    <label>
      <span safe>{label}</span>
      <select name={name}>
        <option value="">Any</option>
        {entries
          .filter((e) => e.key !== null)
          .map((e) => (
            <option value={e.key!} selected={query[name] === e.key} safe>
              {`${e.key} (${e.count})`}
            </option>
          ))}
      </select>
    </label>
  );
  return (
    <form method="get" action={action} class="filters card">
      <label class="grow">
        Search
        <input type="search" name="q" value={query.q ?? ''} placeholder="Title or event id" />
      </label>
      {select('type', 'Type', counts.byType)}
      {select('platform', 'Platform', counts.byPlatform)}
      {select('sdk', 'SDK', counts.bySdk)}
      <label>
        Project
        <input type="number" name="project" min="0" value={query.project?.toString() ?? ''} class="short" />
      </label>
      <label>
        Release
        <input type="text" name="release" value={query.release ?? ''} />
      </label>
      <label>
        Environment
        <input type="text" name="environment" value={query.environment ?? ''} class="short" />
      </label>
      <label>
        Since (UTC)
        <input type="datetime-local" name="since" value={query.since ?? ''} step="1" />
      </label>
      <label>
        Until (UTC)
        <input type="datetime-local" name="until" value={query.until ?? ''} step="1" />
      </label>
      <div class="actions">
        <button type="submit" class="primary">
          Apply
        </button>
        {filtered && <a href={action}>Clear</a>}
      </div>
    </form>
  );
}

// --- internal ---

function EmptyState({ filtered, dsn }: { filtered: boolean; dsn: string }): JSX.Element {
  if (filtered) return <div class="empty card">No events match these filters.</div>;
  return (
    <div class="empty card" id="empty-state">
      <h2>Nothing captured yet</h2>
      <p>Point any Sentry SDK at this server; events show up here as they arrive.</p>
      <pre class="code" safe>{`sentry_sdk.init(dsn="${dsn}")`}</pre>
      <p class="muted">Any 32-hex public key works; the number at the end is the project id.</p>
    </div>
  );
}

function sdkLabel(row: EventRowJson): string {
  return row.sdk ? `${row.sdk}${row.sdk_version ? ` ${row.sdk_version}` : ''}` : '';
}

function withParam(params: URLSearchParams, key: string, value: string): string {
  const copy = new URLSearchParams(params);
  copy.set(key, value);
  return copy.toString();
}

/** @jsxImportSource @kitajs/html */
/**
 * One captured envelope, read like Sentry's issue page: the headline, exception and frames,
 * spans for transactions, breadcrumbs, tags and contexts; other items below; raw JSON one click away.
 */
import type { JsonObject } from '../../envelope/types.ts';
import type { EventJson, ItemJson } from '../api/shape.ts';
import { headline, obj, readBreadcrumbs, readExceptions, readSpans, readTags } from './event-data.ts';
import { Breadcrumbs, ContextCards, Exceptions, SpanTimeline, Tags } from './event-parts.tsx';
import { Badge, displayValue, formatBytes, formatDuration, KindBadge, KeyValues, Layout, Time, untitledLabel } from './layout.tsx';

const EVENT_ITEM_TYPES = new Set(['event', 'transaction']);

export function renderEvent(p: { event: EventJson; loggedIn: boolean; raw: boolean }): JSX.Element {
  const e = p.event;
  const main = e.items.find((i) => EVENT_ITEM_TYPES.has(i.type) && i.payload);
  const title = main?.payload ? headline(main.payload, e.title ?? e.type) : (e.title ?? untitledLabel(e.type));
  return (
    <Layout title={title} section="events" loggedIn={p.loggedIn}>
      <nav class="crumbs-nav">
        <a href="/">Events</a> <span class="muted">/</span> <span class="mono" safe>{`#${e.id}`}</span>
      </nav>
      <header class="card event-head">
        <div class="event-title">
          <KindBadge type={e.type} level={e.level} />
          <h1 safe>{title}</h1>
        </div>
        <dl class="facts">
          <Fact label="Event ID" value={e.event_id} mono />
          <Fact label="Platform" value={e.platform} />
          <Fact label="SDK" value={e.sdk ? `${e.sdk} ${e.sdk_version ?? ''}`.trim() : null} />
          <Fact label="Project" value={String(e.project_id)} />
          <Fact label="Release" value={e.release} />
          <Fact label="Environment" value={e.environment} />
          <div>
            <dt>Received</dt>
            <dd>
              <Time ms={Date.parse(e.received_at)} />
            </dd>
          </div>
          <Fact label="Size" value={formatBytes(e.size)} />
        </dl>
        <div class="event-actions">
          <div class="tabs" role="tablist">
            <a href={`/events/${e.id}`} class={p.raw ? undefined : 'active'} id="tab-event">
              Event
            </a>
            <a href={`/events/${e.id}?view=raw`} class={p.raw ? 'active' : undefined} id="tab-raw">
              Raw JSON
            </a>
          </div>
          <span class="spacer"></span>
          <a class="button" href={e.raw_url}>
            Download envelope
          </a>
          <a class="button" href={`/replays?ids=${e.id}`}>
            Replay…
          </a>
          <button type="button" class="danger" data-delete={String(e.id)}>
            Delete
          </button>
        </div>
      </header>
      {p.raw ? <RawJson event={e} /> : <EventBody event={e} main={main} />}
    </Layout>
  );
}

function EventBody({ event, main }: { event: EventJson; main: ItemJson | undefined }): JSX.Element {
  const payload = main?.payload;
  const others = event.items.filter((i) => i !== main);
  return (
    <>
      {!!event.parse_error && (
        <div class="card error-text" safe>
          {`The stored body does not parse as an envelope: ${event.parse_error}`}
        </div>
      )}
      {!!payload && <PayloadSections payload={payload} isTransaction={main.type === 'transaction'} />}
      {others.length > 0 && (
        <section class="card" id="items">
          <h2 safe>{payload ? `Other items (${others.length})` : `Items (${others.length})`}</h2>
          {others.map((i) => (
            <ItemView item={i} open={!payload && i.length < OPEN_ITEM_BYTES} />
          ))}
        </section>
      )}
    </>
  );
}

function PayloadSections({ payload, isTransaction }: { payload: JsonObject; isTransaction: boolean }): JSX.Element {
  const message = obj(payload.logentry)?.formatted ?? payload.message;
  const exceptions = readExceptions(payload);
  return (
    <>
      {isTransaction && <TransactionSummary payload={payload} />}
      {typeof message === 'string' && exceptions.length > 0 && (
        <section class="card">
          <h2>Message</h2>
          <p safe>{message}</p>
        </section>
      )}
      <Exceptions list={exceptions} />
      {isTransaction && <SpanTimeline spans={readSpans(payload)} />}
      <Breadcrumbs crumbs={readBreadcrumbs(payload)} />
      <Tags tags={readTags(payload)} />
      <ContextCards cards={contextCards(payload)} />
    </>
  );
}

function TransactionSummary({ payload }: { payload: JsonObject }): JSX.Element {
  const spans = readSpans(payload);
  const root = spans[0];
  return (
    <section class="card tx-summary">
      <dl class="facts">
        <Fact label="Operation" value={root?.op ?? null} />
        <Fact label="Duration" value={root ? formatDuration(root.end - root.start) : null} />
        <Fact label="Status" value={root?.status ?? null} />
        <Fact label="Child spans" value={String(Math.max(0, spans.length - 1))} />
        <Fact label="Trace" value={displayValue(obj(obj(payload.contexts)?.trace)?.trace_id) || null} mono />
      </dl>
    </section>
  );
}

/** Contexts first, then the event's other object-valued interfaces Sentry shows beside them. */
function contextCards(p: JsonObject): [string, JsonObject][] {
  const cards: [string, JsonObject][] = [];
  for (const [name, value] of Object.entries(obj(p.contexts) ?? {})) {
    const o = obj(value);
    if (o) cards.push([name, o]);
  }
  const measurements = Object.entries(obj(p.measurements) ?? {}).map(([k, v]) => [k, `${displayValue(obj(v)?.value)} ${displayValue(obj(v)?.unit)}`.trim()] as const);
  if (measurements.length) cards.push(['measurements', Object.fromEntries(measurements)]);
  for (const key of ['user', 'request', 'sdk', 'extra']) {
    const o = obj(p[key]);
    if (o && Object.keys(o).length) cards.push([key, o]);
  }
  return cards;
}

/** Without an event to show, JSON items up to this size are shown unfolded. */
const OPEN_ITEM_BYTES = 64 * 1024;

function ItemView({ item, open }: { item: ItemJson; open: boolean }): JSX.Element {
  const b = item.binary;
  const logs = item.type === 'log' ? readLogs(item.payload) : [];
  return (
    <div class="item">
      <div class="item-head">
        <Badge value={item.type || '(no type)'} />
        <span class="muted" safe>{formatBytes(item.length)}</span>
        {!!b?.content_type && (
          <span class="mono muted" safe>
            {b.content_type}
          </span>
        )}
        {!!b?.filename && (
          <span class="mono" safe>
            {b.filename}
          </span>
        )}
        <span class="spacer"></span>
        <a href={item.raw_url}>Download</a>
      </div>
      {logs.length > 0 && <LogTable logs={logs} />}
      {item.type === 'session' && !!item.payload && <KeyValues entries={Object.entries(item.payload)} />}
      {!!item.payload && (
        <details open={open && !logs.length && item.type !== 'session'}>
          <summary>Payload JSON</summary>
          <pre class="json" safe>
            {JSON.stringify(item.payload, null, 2)}
          </pre>
        </details>
      )}
      {!!b && (
        <div class="binary">
          <div class="mono hex" safe>
            {b.preview_hex || '(empty)'}
          </div>
          {!!b.preview_text && (
            <pre class="text-preview" safe>
              {b.preview_text}
            </pre>
          )}
        </div>
      )}
    </div>
  );
}

interface LogLine {
  at: number | null;
  level: string;
  body: string;
}

/** Log containers carry `{"items": [{timestamp, level, body, attributes}]}`. */
function readLogs(payload: JsonObject | undefined): LogLine[] {
  const items = Array.isArray(payload?.items) ? payload.items : [];
  return items.map(obj).filter((l): l is JsonObject => l !== null).map((l) => ({ at: typeof l.timestamp === 'number' ? l.timestamp : null, level: displayValue(l.level), body: displayValue(l.body) }));
}

function LogTable({ logs }: { logs: LogLine[] }): JSX.Element {
  return (
    <table class="logs">
      {logs.map((l) => (
        <tr>
          <td class="mono nowrap" safe>
            {l.at === null ? '' : new Date(l.at * 1000).toISOString().slice(11, 23)}
          </td>
          <td>
            <Badge value={l.level} kind="level" />
          </td>
          <td safe>{l.body}</td>
        </tr>
      ))}
    </table>
  );
}

function RawJson({ event }: { event: EventJson }): JSX.Element {
  return (
    <section class="card" id="raw">
      <div class="item-head">
        <h2>Raw JSON</h2>
        <span class="spacer"></span>
        <a href={`/api/events/${event.id}`}>Open in the API</a>
      </div>
      <pre class="json" safe>
        {JSON.stringify(event, null, 2)}
      </pre>
    </section>
  );
}

function Fact({ label, value, mono }: { label: string; value: string | null; mono?: boolean }): JSX.Element {
  if (!value) return '';
  return (
    <div>
      <dt safe>{label}</dt>
      <dd class={mono ? 'mono' : undefined} safe>
        {value}
      </dd>
    </div>
  );
}

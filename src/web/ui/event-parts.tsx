/** @jsxImportSource @kitajs/html */
/** The sections of the event view, in the order Sentry shows them: exception, spans, breadcrumbs, tags, contexts. */
import type { JsonObject } from '../../envelope/types.ts';
import type { Crumb, ExceptionView, Frame, SpanRow } from './event-data.ts';
import { displayValue, formatDuration, KeyValues } from './layout.tsx';

export function Exceptions({ list }: { list: ExceptionView[] }): JSX.Element {
  if (!list.length) return '';
  return (
    <section class="card" id="exception">
      <h2>{list.length > 1 ? `Exceptions (${list.length}, most recent first)` : 'Exception'}</h2>
      {list.map((e) => (
        <div class="exception">
          <div class="exc-head">
            <span class="exc-type" safe>
              {e.type}
            </span>
            {e.handled !== null && <span class={`chip ${e.handled ? '' : 'chip-bad'}`}>{e.handled ? 'handled' : 'unhandled'}</span>}
            {!!e.mechanism && (
              <span class="chip" safe>
                {`mechanism: ${e.mechanism}`}
              </span>
            )}
          </div>
          {!!e.value && (
            <p class="exc-value" safe>
              {e.value}
            </p>
          )}
          <Frames frames={e.frames} />
        </div>
      ))}
    </section>
  );
}

function Frames({ frames }: { frames: Frame[] }): JSX.Element {
  if (!frames.length) return <p class="muted">No stack trace.</p>;
  const openIndex = Math.max(0, frames.findIndex((f) => f.inApp));
  return (
    <div class="frames">
      {frames.map((f, i) => (
        <details class={`frame ${f.inApp ? 'in-app' : 'system'}`} open={i === openIndex}>
          <summary>
            <span class="file" safe>
              {f.file}
            </span>
            {!!f.fn && (
              <>
                <span class="muted"> in </span>
                <span class="fn" safe>
                  {f.fn}
                </span>
              </>
            )}
            {f.line !== null && <span class="muted" safe>{` at line ${f.line}${f.col !== null ? `:${f.col}` : ''}`}</span>}
            {f.inApp && <span class="chip chip-app">In App</span>}
          </summary>
          {f.context.length > 0 && (
            <ol class="source">
              {f.context.map(([n, code, current]) => (
                <li class={current ? 'current' : undefined}>
                  <span class="ln" safe>{n === null ? '' : String(n)}</span>
                  <code safe>{code}</code>
                </li>
              ))}
            </ol>
          )}
          {!!f.vars && <KeyValues entries={Object.entries(f.vars)} />}
          {!f.context.length && !f.vars && <p class="muted small">No source context was sent for this frame.</p>}
        </details>
      ))}
    </div>
  );
}

export function Breadcrumbs({ crumbs }: { crumbs: Crumb[] }): JSX.Element {
  if (!crumbs.length) return '';
  return (
    <section class="card" id="breadcrumbs">
      <h2 safe>{`Breadcrumbs (${crumbs.length})`}</h2>
      <table class="crumbs">
        <thead>
          <tr>
            <th>Type</th>
            <th>Category</th>
            <th>Description</th>
            <th>Level</th>
            <th>Time</th>
          </tr>
        </thead>
        {crumbs.map((c) => (
          <tr>
            <td>
              <span class="chip" safe>
                {c.type ?? 'default'}
              </span>
            </td>
            <td class="mono" safe>
              {c.category ?? ''}
            </td>
            <td>
              <span safe>{c.message ?? ''}</span>
              {!!c.data && (
                <code class="crumb-data" safe>
                  {JSON.stringify(c.data)}
                </code>
              )}
            </td>
            <td safe>{c.level ?? ''}</td>
            <td class="mono nowrap" safe>{c.at === null ? '' : new Date(c.at * 1000).toISOString().slice(11, 23)}</td>
          </tr>
        ))}
      </table>
    </section>
  );
}

const SPAN_LIMIT = 500;

/** The transaction's spans as a waterfall: each bar's offset and width relative to the whole transaction. */
export function SpanTimeline({ spans }: { spans: SpanRow[] }): JSX.Element {
  if (!spans.length) return '';
  const start = Math.min(...spans.map((s) => s.start));
  const end = Math.max(...spans.map((s) => s.end));
  const total = Math.max(end - start, 1e-6);
  const pct = (v: number) => `${Math.min(100, Math.max(0, v * 100)).toFixed(3)}%`;
  return (
    <section class="card" id="spans">
      <h2 safe>{`Spans (${spans.length})`}</h2>
      <div class="timeline-scale">
        <span>0</span>
        <span safe>{formatDuration(total / 2)}</span>
        <span safe>{formatDuration(total)}</span>
      </div>
      <div class="timeline">
        {spans.slice(0, SPAN_LIMIT).map((s) => (
          <div class="span-row" title={s.spanId}>
            <div class="span-label" style={`padding-left:${Math.min(s.depth, 12) * 14}px`}>
              <span class={`op op-${opFamily(s.op)}`} safe>
                {s.op ?? 'span'}
              </span>
              <span class="desc" safe>
                {s.description ?? ''}
              </span>
            </div>
            <div class="span-track">
              <div class={`span-bar op-${opFamily(s.op)}`} style={`left:${pct((s.start - start) / total)};width:${pct(Math.max((s.end - s.start) / total, 0.002))}`}></div>
            </div>
            <div class="span-dur" safe>{formatDuration(s.end - s.start)}</div>
          </div>
        ))}
      </div>
      {spans.length > SPAN_LIMIT && <p class="muted" safe>{`${spans.length - SPAN_LIMIT} more spans are in the raw JSON.`}</p>}
    </section>
  );
}

export function Tags({ tags }: { tags: [string, string][] }): JSX.Element {
  if (!tags.length) return '';
  return (
    <section class="card" id="tags">
      <h2>Tags</h2>
      <div class="tags">
        {tags.map(([k, v]) => (
          <span class="tag">
            <span class="k" safe>
              {k}
            </span>
            <span class="v" safe>
              {v}
            </span>
          </span>
        ))}
      </div>
    </section>
  );
}

/** Contexts plus the other object-valued parts of an event (user, request, SDK, extra), one card each. */
export function ContextCards({ cards }: { cards: [string, JsonObject][] }): JSX.Element {
  if (!cards.length) return '';
  return (
    <section id="contexts">
      <h2 class="section-title">Contexts</h2>
      <div class="context-grid">
        {cards.map(([name, value]) => (
          <div class="card context">
            <h3 safe>{CONTEXT_TITLES[name] ?? name}</h3>
            <KeyValues entries={Object.entries(value).filter(([, v]) => displayValue(v) !== '')} />
          </div>
        ))}
      </div>
    </section>
  );
}

const CONTEXT_TITLES: Record<string, string> = { os: 'OS', sdk: 'SDK', gpu: 'GPU', otel: 'OpenTelemetry', client_os: 'Client OS', measurements: 'Measurements (web vitals)' };

/** Colour families for span bars, from the op's first segment (db.query → db). */
function opFamily(op: string | null): string {
  const head = (op ?? '').split('.')[0] ?? '';
  return ['db', 'http', 'ui', 'browser', 'resource', 'cache', 'queue', 'function', 'task', 'middleware', 'pageload', 'navigation'].includes(head) ? head : 'other';
}

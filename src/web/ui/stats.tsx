/** @jsxImportSource @kitajs/html */
/** The stats view: totals, captures per UTC day, and the split by platform, type and SDK. */
import type { CountEntry, EnvelopeCounts } from '../../store/index.ts';
import type { EventListQuery } from '../api/model.ts';
import { Layout } from './layout.tsx';
import { FilterForm, filterParams } from './list.tsx';

const MAX_DAYS = 60;

export function renderStats(p: { counts: EnvelopeCounts; all: EnvelopeCounts; query: EventListQuery; loggedIn: boolean }): JSX.Element {
  const c = p.counts;
  const of = (type: string) => c.byType.find((e) => e.key === type)?.count ?? 0;
  const filters = filterParams(p.query);
  return (
    <Layout title="Stats" section="stats" loggedIn={p.loggedIn}>
      <div class="page-head">
        <h1>Stats</h1>
      </div>
      <FilterForm query={p.query} counts={p.all} filtered={filters.toString() !== ''} action="/stats" />
      <div class="stat-cards">
        <StatCard label="Envelopes" value={c.total} href={`/?${filters}`} />
        <StatCard label="Errors" value={of('error')} href={`/?${withType(filters, 'error')}`} />
        <StatCard label="Transactions" value={of('transaction')} href={`/?${withType(filters, 'transaction')}`} />
        <StatCard label="Platforms" value={c.byPlatform.filter((e) => e.key !== null).length} />
        <StatCard label="SDKs" value={c.bySdk.filter((e) => e.key !== null).length} />
      </div>
      <section class="card" id="by-day">
        <h2>Captured per day (UTC)</h2>
        <DayChart days={fillDays(c.byDay)} />
      </section>
      <div class="stat-grid">
        <Bars title="By platform" entries={c.byPlatform} param="platform" filters={filters} />
        <Bars title="By type" entries={c.byType} param="type" filters={filters} />
        <Bars title="By SDK" entries={c.bySdk} param="sdk" filters={filters} />
      </div>
    </Layout>
  );
}

// --- internal ---

function StatCard({ label, value, href }: { label: string; value: number; href?: string }): JSX.Element {
  const body = (
    <>
      <div class="stat-value" safe>{value.toLocaleString('en-US')}</div>
      <div class="stat-label" safe>{label}</div>
    </>
  );
  return href ? (
    <a class="card stat" href={href}>
      {body}
    </a>
  ) : (
    <div class="card stat">{body}</div>
  );
}

function Bars({ title, entries, param, filters }: { title: string; entries: CountEntry[]; param: string; filters: URLSearchParams }): JSX.Element {
  const max = Math.max(1, ...entries.map((e) => e.count));
  return (
    <section class="card bars" data-dimension={param}>
      <h2 safe>{title}</h2>
      {!entries.length && <p class="muted">Nothing yet.</p>}
      {entries.slice(0, 15).map((e) => {
        const label = e.key ?? '(none)';
        const row = (
          <>
            <span class="bar-label" safe>
              {label}
            </span>
            <span class="bar-track">
              <span class="bar-fill" style={`width:${((e.count / max) * 100).toFixed(1)}%`}></span>
            </span>
            <span class="bar-count" safe>{String(e.count)}</span>
          </>
        );
        return e.key === null ? <div class="bar-row">{row}</div> : <a class="bar-row" href={`/?${withParam(filters, param, e.key)}`}>{row}</a>;
      })}
    </section>
  );
}

function DayChart({ days }: { days: CountEntry[] }): JSX.Element {
  if (!days.length) return <p class="muted">Nothing captured yet.</p>;
  const max = Math.max(1, ...days.map((d) => d.count));
  return (
    <div class="day-chart">
      {days.map((d) => (
        <div class="day" title={`${d.key}: ${d.count}`}>
          <span class="day-count">{d.count ? String(d.count) : ''}</span>
          <span class="day-bar" style={`height:${((d.count / max) * 100).toFixed(1)}%`}></span>
          <span class="day-label" safe>{(d.key ?? '').slice(5)}</span>
        </div>
      ))}
    </div>
  );
}

/** Every day from the first to the last with captures (empty days as 0), the last MAX_DAYS of them. */
function fillDays(byDay: CountEntry[]): CountEntry[] {
  const known = byDay.filter((d): d is CountEntry & { key: string } => d.key !== null);
  if (!known.length) return [];
  const counts = new Map(known.map((d) => [d.key, d.count]));
  const last = Date.parse(`${known[known.length - 1]!.key}T00:00:00Z`);
  const first = Math.max(Date.parse(`${known[0]!.key}T00:00:00Z`), last - (MAX_DAYS - 1) * 86_400_000);
  const out: CountEntry[] = [];
  for (let t = first; t <= last; t += 86_400_000) {
    const key = new Date(t).toISOString().slice(0, 10);
    out.push({ key, count: counts.get(key) ?? 0 });
  }
  return out;
}

function withParam(params: URLSearchParams, key: string, value: string): string {
  const copy = new URLSearchParams(params);
  copy.set(key, value);
  copy.delete('cursor');
  return copy.toString();
}

const withType = (params: URLSearchParams, type: string) => withParam(params, 'type', type);

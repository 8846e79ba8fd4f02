/** @jsxImportSource @kitajs/html */
/**
 * The replay view: choose events (selected ids or filters), a destination and options, start a run
 * through `POST /api/replays`; below, the history of runs, refreshed while one is running.
 */
import type { EnvelopeCounts, ReplayOutcomeRow, ReplayRunRow } from '../../store/index.ts';
import type { EventRowJson } from '../api/shape.ts';
import { Badge, displayValue, formatDuration, KindBadge, Layout, Time } from './layout.tsx';

export function renderReplays(p: { selected: EventRowJson[]; counts: EnvelopeCounts; runs: ReplayRunRow[]; loggedIn: boolean }): JSX.Element {
  const bySelection = p.selected.length > 0;
  return (
    <Layout title="Replays" section="replays" loggedIn={p.loggedIn}>
      <div class="page-head">
        <h1>Replays</h1>
        <span class="muted">Send captured events to a Sentry DSN, rewritten to look live.</span>
      </div>
      <form id="replay-form" class="card replay-form">
        <fieldset>
          <legend>Events</legend>
          <label class="inline">
            <input type="radio" name="select" value="ids" checked={bySelection} disabled={!bySelection} />
            <span>{bySelection ? `The ${p.selected.length} selected in the event list` : 'Events selected in the event list (none yet)'}</span>
          </label>
          {bySelection && (
            <ul class="selected">
              {p.selected.slice(0, 20).map((r) => (
                <li>
                  <a href={`/events/${r.id}`} class="mono" safe>
                    {`#${r.id}`}
                  </a>{' '}
                  <KindBadge type={r.type} level={r.level} />{' '}
                  <span safe>{r.title ?? r.item_types.join(', ')}</span>
                </li>
              ))}
              {p.selected.length > 20 && <li class="muted" safe>{`and ${p.selected.length - 20} more`}</li>}
            </ul>
          )}
          <input type="hidden" name="ids" value={p.selected.map((r) => r.id).join(',')} />
          <label class="inline">
            <input type="radio" name="select" value="filter" checked={!bySelection} />
            Everything matching
          </label>
          <div class="filter-row">
            <OptionSelect name="type" label="Type" entries={p.counts.byType} />
            <OptionSelect name="platform" label="Platform" entries={p.counts.byPlatform} />
            <label>
              Project
              <input type="number" name="project" min="0" class="short" />
            </label>
            <label>
              At most
              <input type="number" name="limit" min="1" class="short" placeholder="all" />
            </label>
          </div>
        </fieldset>
        <fieldset>
          <legend>Destination</legend>
          <label class="grow">
            DSN
            <input type="text" name="dsn" required placeholder="https://<public key>@o123.ingest.sentry.io/456" spellcheck="false" autocomplete="off" />
          </label>
        </fieldset>
        <fieldset>
          <legend>Options</legend>
          <div class="filter-row flush">
            <label>
              Release
              <input type="text" name="release" placeholder="as captured" title="A fixed release, or calver" />
            </label>
            <label>
              Environment
              <input type="text" name="environment" placeholder="as captured" />
            </label>
            <label class="grow">
              Extra tags
              <input type="text" name="tags" placeholder="key:value, key:value" />
            </label>
          </div>
          <label class="inline">
            <input type="checkbox" name="dryRun" />
            Dry run (rewrite and record, send nothing)
          </label>
          <label class="inline">
            <input type="checkbox" name="rotateUsers" />
            Replace users with fake ones from a stable pool
          </label>
          <label class="inline">
            <input type="checkbox" name="marker" checked />
            Tag replayed events with <code>undertaker.run</code> (the run id), to find them in Sentry
          </label>
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary" id="start-replay">
            Start replay
          </button>
          <span id="replay-status" class="muted" role="status"></span>
        </div>
      </form>
      <section class="card">
        <h2>History</h2>
        <div id="replay-history" data-src="/ui/replay-runs">
          <RunTable runs={p.runs} />
        </div>
      </section>
    </Layout>
  );
}

/** The history table; also the fragment the page polls while a run is in progress. */
export function RunTable({ runs }: { runs: ReplayRunRow[] }): JSX.Element {
  if (!runs.length) return <p class="muted">No replay has run yet.</p>;
  return (
    <table class="runs" data-running={runs.some((r) => r.status === 'running') ? 'yes' : 'no'}>
      <thead>
        <tr>
          <th>Run</th>
          <th>Status</th>
          <th>Started</th>
          <th>Took</th>
          <th>Trigger</th>
          <th>Destination</th>
          <th class="num">Selected</th>
          <th class="num">Accepted</th>
          <th class="num">Rejected</th>
          <th class="num">Failed</th>
          <th>Responses</th>
        </tr>
      </thead>
      {runs.map((r) => (
        <tr data-run={String(r.id)} data-status={r.status}>
          <td>
            <a href={`/replays/${r.id}`} safe>{`#${r.id}`}</a>
          </td>
          <td>
            <Badge value={r.status} kind="status" />
            {r.options.dryRun === true && <span class="chip">dry run</span>}
          </td>
          <td class="nowrap">
            <Time ms={r.startedAt} />
          </td>
          <td class="nowrap">{r.finishedAt ? formatDuration((r.finishedAt - r.startedAt) / 1000) : ''}</td>
          <td>{r.trigger}</td>
          <td class="mono small" safe>
            {destinationOf(r)}
          </td>
          <td class="num" safe>{String(r.selected)}</td>
          <td class="num ok" safe>{String(r.accepted)}</td>
          <td class={`num ${r.rejected ? 'bad' : ''}`} safe>{String(r.rejected)}</td>
          <td class={`num ${r.failed + r.rateLimited ? 'bad' : ''}`} safe>{String(r.failed + r.rateLimited)}</td>
          <td class="mono small" safe>
            {Object.entries(r.byStatus)
              .map(([s, n]) => `${s}×${n}`)
              .join(' ')}
          </td>
        </tr>
      ))}
    </table>
  );
}

export function renderRun(p: { run: ReplayRunRow; outcomes: ReplayOutcomeRow[]; loggedIn: boolean }): JSX.Element {
  const r = p.run;
  return (
    <Layout title={`Replay #${r.id}`} section="replays" loggedIn={p.loggedIn}>
      <nav class="crumbs-nav">
        <a href="/replays">Replays</a> <span class="muted">/</span> <span class="mono" safe>{`#${r.id}`}</span>
      </nav>
      <div class="card" id="replay-history" data-src={`/ui/replay-runs?id=${r.id}`}>
        <RunTable runs={[r]} />
      </div>
      {!!r.error && (
        <div class="card error-text" safe>
          {r.error}
        </div>
      )}
      <section class="card">
        <h2 safe>{`Outcomes (${p.outcomes.length})`}</h2>
        <table class="outcomes">
          <thead>
            <tr>
              <th>Envelope</th>
              <th>Outcome</th>
              <th>HTTP</th>
              <th>Old → new event id</th>
              <th>Destination</th>
              <th>Reason</th>
            </tr>
          </thead>
          {p.outcomes.map((o) => (
            <tr>
              <td>
                <a href={`/events/${o.envelopeId}`} safe>{`#${o.envelopeId}`}</a>
              </td>
              <td>
                <Badge value={o.outcome} kind="status" />
              </td>
              <td safe>{o.httpStatus === null ? '' : String(o.httpStatus)}</td>
              <td class="mono small" safe>
                {`${o.oldEventId ?? '—'} → ${o.newEventId ?? '—'}`}
              </td>
              <td class="mono small" safe>
                {o.destination}
              </td>
              <td class="small" safe>
                {o.reason ?? ''}
              </td>
            </tr>
          ))}
        </table>
      </section>
      <details class="card">
        <summary>
          <h2 class="inline">Options</h2>
        </summary>
        <pre class="json" safe>
          {JSON.stringify(r.options, null, 2)}
        </pre>
      </details>
    </Layout>
  );
}

// --- internal ---

function OptionSelect({ name, label, entries }: { name: string; label: string; entries: EnvelopeCounts['byType'] }): JSX.Element {
  return (
    <label>
      <span safe>{label}</span>
      <select name={name}>
        <option value="">Any</option>
        {entries
          .filter((e) => e.key !== null)
          .map((e) => (
            <option value={e.key!} safe>
              {`${e.key} (${e.count})`}
            </option>
          ))}
      </select>
    </label>
  );
}

/** The options JSON is written by the replay module; read the destination defensively. */
function destinationOf(r: ReplayRunRow): string {
  const o = r.options;
  const d = o.destination ?? o.dsn ?? o.destinations;
  return Array.isArray(d) ? d.map(displayValue).join(', ') : displayValue(d);
}

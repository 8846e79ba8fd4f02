/** @jsxImportSource @kitajs/html */
/**
 * The page frame and the small pieces every view uses. Captured values reach the HTML only
 * through `safe` children or attributes (both escaped): captured data is untrusted input.
 */
import type { PropsWithChildren } from '@kitajs/html';

export type Section = 'events' | 'stats' | 'replays' | null;

export function Layout(props: PropsWithChildren<{ title: string; section: Section; loggedIn: boolean }>): JSX.Element {
  const link = (href: string, name: Exclude<Section, null>, label: string) => (
    <a href={href} class={props.section === name ? 'active' : undefined} safe>
      {label}
    </a>
  );
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{`${props.title} · Undertaker`}</title>
          <link rel="icon" href="/ui/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/ui/style.css" />
          <script type="module" src="/ui/app.js"></script>
        </head>
        <body data-section={props.section ?? ''}>
          <header class="topbar">
            <a class="brand" href="/">
              <img src="/ui/favicon.svg" alt="" width="22" height="22" />
              Undertaker
            </a>
            <nav>
              {link('/', 'events', 'Events')}
              {link('/stats', 'stats', 'Stats')}
              {link('/replays', 'replays', 'Replays')}
            </nav>
            <span class="spacer"></span>
            <a class="muted" href="/openapi">
              API
            </a>
            {!!props.loggedIn && (
              <form method="post" action="/logout" class="logout">
                <button type="submit" class="link">
                  Log out
                </button>
              </form>
            )}
          </header>
          <main>{props.children}</main>
        </body>
      </html>
    </>
  );
}

/** A coloured label for a level (error, warning, …) or a main type. */
export function Badge(props: { value: string | null; kind?: 'level' | 'type' | 'status' }): JSX.Element {
  if (!props.value) return '';
  const cls = `badge ${props.kind ?? 'type'} ${props.kind ?? 'type'}-${props.value.replace(/[^\w-]/g, '')}`;
  return (
    <span class={cls} safe>
      {props.value}
    </span>
  );
}

/** What an envelope is at a glance: an error's level (error, warning, fatal, …), else its main type. */
export function KindBadge({ type, level }: { type: string; level: string | null }): JSX.Element {
  return type === 'error' ? <Badge value={level ?? 'error'} kind="level" /> : <Badge value={type} />;
}

/** A two-column table of captured key/values; nested objects one level deep as `key.sub`, deeper as JSON. */
export function KeyValues(props: { entries: [string, unknown][] }): JSX.Element {
  if (!props.entries.length) return '';
  const rows = props.entries.flatMap(([k, v]): [string, unknown][] =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length ? Object.entries(v).map(([sub, x]) => [`${k}.${sub}`, x]) : [[k, v]],
  );
  return (
    <table class="kv">
      {rows.map(([k, v]) => (
        <tr>
          <th safe>{k}</th>
          <td safe>{displayValue(v)}</td>
        </tr>
      ))}
    </table>
  );
}

/** `<time>` with the ISO value; the client script turns it into "5 min ago" and keeps it fresh. */
export function Time(props: { ms: number | null }): JSX.Element {
  if (props.ms === null || !Number.isFinite(props.ms)) return '';
  const iso = new Date(props.ms).toISOString();
  return (
    <time datetime={iso} title={iso} class="rel" safe>
      {iso.replace('T', ' ').slice(0, 19)}
    </time>
  );
}

const UNTITLED: Record<string, string> = {
  session: 'Session update',
  sessions: 'Session aggregates',
  log: 'Logs',
  span: 'Spans',
  trace_metric: 'Metrics',
  client_report: 'Client report',
  profile: 'Profile',
  profile_chunk: 'Profile chunk',
  replay: 'Session replay',
  check_in: 'Cron check-in',
  feedback: 'User feedback',
  attachment: 'Attachment',
};

/** What to call an envelope that has no title of its own (sessions, logs, metrics, …). */
export function untitledLabel(type: string): string {
  return UNTITLED[type] ?? (type ? `${type[0]!.toUpperCase()}${type.slice(1).replaceAll('_', ' ')}` : 'Envelope');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatDuration(seconds: number): string {
  const ms = seconds * 1000;
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function displayValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

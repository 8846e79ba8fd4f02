/** `undertaker replay`: send stored envelopes to a Sentry DSN, rewritten to look live; once or on a schedule. */
import { type Dsn, dsnToString, parseDsn } from '../envelope/dsn.ts';
import { formatDuration, parseDuration } from '../config/duration.ts';
import { type EnvelopeOutcome, type ReplayReport, runReplay } from '../replay/run.ts';
import { createSender } from '../replay/sender.ts';
import { startEvery } from '../schedule/every.ts';
import { ConfigError } from '../shared/errors.ts';
import { type EnvelopeFilter, openStore } from '../store/index.ts';
import { bool, type CliIo, defineCommand, int, type ParsedArgs, str } from './command.ts';
import { filterFromArgs } from './events.ts';
import { DB_FLAG, FILTER_FLAGS } from './shared-flags.ts';
import { VERSION } from './version.ts';

export const replayCommand = defineCommand({
  name: 'replay',
  summary: 'Send stored envelopes to a Sentry DSN, rewritten to look live (fresh ids, timestamps moved to now).',
  usage: 'undertaker replay --dsn DSN [filters] [--id ID …] [--every DURATION] [--dry-run] [--db PATH]',
  description:
    'Every event gets a fresh event id; trace and span ids are remapped consistently; all timestamps of a\n' +
    'trace move by one delta so its newest lands just before now, keeping every relative offset.\n' +
    'Exits non-zero when any envelope was rejected or could not be sent.',
  flags: {
    dsn: { type: 'string', value: 'DSN', description: 'Destination, e.g. https://<key>@o1.ingest.sentry.io/42', env: 'UNDERTAKER_REPLAY_DSN' },
    ...FILTER_FLAGS,
    id: { type: 'string', multiple: true, value: 'ID', description: 'Only this stored envelope (repeatable, or comma separated)' },
    every: { type: 'string', value: 'DURATION', description: 'Repeat every DURATION (15s, 30m, 1h, …) until stopped with Ctrl-C / SIGTERM' },
    'dry-run': { type: 'boolean', description: 'Print what would be sent; send nothing' },
    json: { type: 'boolean', description: 'Print one JSON summary per run instead of text' },
    seed: { type: 'string', value: 'N', description: 'Deterministic new ids (for fixtures and tests)' },
    db: DB_FLAG,
  },
  examples: [
    'undertaker replay --dsn http://0123456789abcdef0123456789abcdef@127.0.0.1:9000/2',
    'undertaker replay --dsn "$SENTRY_DSN" --type error --platform python --limit 10',
    'undertaker replay --dsn "$SENTRY_DSN" --every 1h',
    'undertaker replay --dsn "$SENTRY_DSN" --id 12 --id 13 --dry-run',
  ],
  async run(args, io) {
    const dsnText = str(args, 'dsn');
    if (!dsnText) throw new ConfigError('replay needs a destination: --dsn http://<key>@<host>/<project> (or UNDERTAKER_REPLAY_DSN)');
    const dsn = parseDsn(dsnText);
    const filter = replayFilter(args);
    const everyText = str(args, 'every');
    const everyMs = everyText ? parseDuration(everyText, '--every') : undefined;
    const seed = int(args, 'seed');
    const store = await openStore({ dialect: 'sqlite', path: str(args, 'db')! });
    let stopping = false;
    io.onStop(() => {
      stopping = true;
    });
    const once = async (): Promise<ReplayReport> => {
      const report = await runReplay(
        {
          store,
          send: createSender({ dsn, client: `undertaker/${VERSION}` }),
          now: Date.now,
          shouldStop: () => stopping,
          onEnvelope: bool(args, 'json') ? undefined : (o) => io.stderr(describeOutcome(o, bool(args, 'dry-run'))),
        },
        { filter, destination: dsn, dryRun: bool(args, 'dry-run'), seed },
      );
      io.stdout(bool(args, 'json') ? `${JSON.stringify({ destination: dsnToString(dsn), ...report })}\n` : describeReport(report, dsn));
      return report;
    };
    try {
      if (everyMs === undefined) return exitCode(await once());
      return await runScheduled(once, everyMs, io);
    } finally {
      await store.close();
    }
  },
});

// --- internal ---

function replayFilter(args: ParsedArgs): EnvelopeFilter {
  const filter = filterFromArgs(args);
  const ids = (args.values.id as string[] | undefined)?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (ids?.length) {
    filter.ids = ids.map((v) => {
      if (!/^\d+$/.test(v)) throw new ConfigError(`--id: "${v}" is not an envelope ID (see \`undertaker events list\`)`);
      return Number(v);
    });
  }
  return filter;
}

async function runScheduled(once: () => Promise<ReplayReport>, everyMs: number, io: CliIo): Promise<number> {
  io.stderr(`replaying every ${formatDuration(everyMs)}; stop with Ctrl-C\n`);
  const schedule = startEvery({
    everyMs,
    run: async () => {
      await once();
    },
    onError: (error) => io.stderr(`replay run failed: ${(error as Error).message}; the schedule goes on\n`),
    onIdle: (next) => io.stderr(`next run at ${next.toISOString()}\n`),
  });
  io.onStop(() => void schedule.stop());
  await schedule.done;
  return 0;
}

function exitCode(report: ReplayReport): number {
  return report.rejected + report.failed + report.skipped > 0 ? 1 : 0;
}

function describeOutcome(o: EnvelopeOutcome, dryRun: boolean): string {
  const what = `#${o.id} ${o.mainType}${o.title ? ` "${o.title.slice(0, 60)}"` : ''}`;
  const ids = o.newEventId ? ` event ${o.oldEventId ?? '-'} → ${o.newEventId}` : '';
  const shift = ` shifted ${formatShift(o.deltaSeconds)}`;
  if (o.error) return `skip ${what}: ${o.error}\n`;
  if (dryRun || !o.send) return `would send ${what}${ids}${shift}\n`;
  const status = o.send.status ?? 'no response';
  return `${o.send.ok ? 'sent' : 'FAILED'} ${what}${ids} → ${status}${o.send.ok ? '' : ` ${o.send.detail}`}\n`;
}

function formatShift(seconds: number): string {
  const abs = Math.abs(seconds);
  const text = abs >= 86_400 ? `${(abs / 86_400).toFixed(1)}d` : abs >= 3600 ? `${(abs / 3600).toFixed(1)}h` : `${abs}s`;
  return `${seconds < 0 ? '-' : '+'}${text}`;
}

function describeReport(r: ReplayReport, dsn: Dsn): string {
  if (r.dryRun) return `dry run: ${r.selected} envelope(s) would be sent to ${dsnToString(dsn)}${r.skipped ? `, ${r.skipped} skipped` : ''}\n`;
  const statuses = Object.entries(r.byStatus).map(([s, n]) => `${s}: ${n}`).join(', ');
  return `replayed ${r.selected} envelope(s) to ${dsnToString(dsn)}: ${r.sent} sent, ${r.accepted} accepted, ${r.rejected} rejected, ${r.failed} failed, ${r.skipped} skipped${statuses ? ` (${statuses})` : ''}\n`;
}

/** `undertaker replay`: send stored envelopes to Sentry DSNs, rewritten to look live; once or on a schedule. */
import { openDbFromArgs } from './database.ts';
import { formatDuration, parseDuration } from '../config/duration.ts';
import { resolveReplayRequest } from '../replay/options.ts';
import type { ReplayReport } from '../replay/run.ts';
import { createReplayService, type ReplayService, runStatus } from '../replay/service.ts';
import { parseCron, startCron } from '../schedule/cron.ts';
import { type Schedule, startEvery } from '../schedule/every.ts';
import { ConfigError } from '../shared/errors.ts';
import { servesOf } from '../store/presence.ts';
import type { ReplayTrigger } from '../store/index.ts';
import { bool, type CliIo, defineCommand, str } from './command.ts';
import { createProgress } from './progress.ts';
import { flagLabel, requestFromArgs, ROUTING_FLAGS, SELECT_FLAGS, SHAPING_FLAGS } from './replay-flags.ts';
import { DB_FLAG } from './shared-flags.ts';
import { VERSION } from './version.ts';

export const replayCommand = defineCommand({
  name: 'replay',
  summary: 'Send stored envelopes to Sentry DSNs, rewritten to look live (fresh ids, timestamps moved to now).',
  usage: 'undertaker replay (--dsn DSN | --config FILE) [filters] [pacing] [overrides] [--every DURATION | --cron EXPR] [--dry-run] [--db PATH]',
  description:
    'Every event gets a fresh event id; trace and span ids are remapped consistently; timestamps move by\n' +
    'one delta per trace: the run\'s newest data lands 2 s before now, older data keeps its offset (data\n' +
    'over a day older moves forward by whole days). Rate limits (429, X-Sentry-Rate-Limits) hold only the\n' +
    'limited categories. Every run is recorded: see `undertaker replays list`. Exits 1 when any envelope\n' +
    'was not accepted (rejected, failed, rate limited or unreadable).',
  flags: {
    ...ROUTING_FLAGS,
    ...SELECT_FLAGS,
    every: { type: 'string', value: 'DURATION', description: 'Repeat every DURATION (15s, 30m, 1h, …) until stopped with Ctrl-C / SIGTERM' },
    cron: { type: 'string', value: 'EXPR', description: 'Repeat at each match of a cron expression ("0 * * * *"), local time zone' },
    ...SHAPING_FLAGS,
    json: { type: 'boolean', description: 'Print one JSON summary per run on stdout instead of text' },
    quiet: { type: 'boolean', short: 'q', description: 'Without a terminal, print no line per accepted envelope: only problems and the summary (for schedules)' },
    db: DB_FLAG,
  },
  examples: [
    'undertaker replay --dsn http://0123456789abcdef0123456789abcdef@127.0.0.1:9000/2',
    'undertaker replay --config routes.yaml --every 1h',
    'undertaker replay --dsn "$SENTRY_DSN" --type error --platform python --limit 10 --release calver',
    'undertaker replay --dsn "$SENTRY_DSN" --pace recorded --speed 10 --rate 20/s',
    'undertaker replay --dsn "$SENTRY_DSN" --cron "*/15 * * * *" --spread 10m --tag demo:live --json',
    'undertaker replay --dsn "$SENTRY_DSN" --id 12 --id 13 --dry-run',
  ],
  async run(args, io) {
    const request = requestFromArgs(args);
    const every = str(args, 'every');
    const cron = str(args, 'cron');
    if (every && cron) throw new ConfigError('--every and --cron cannot be combined; pick one schedule');
    const everyMs = every ? parseDuration(every, '--every', 1000) : undefined;
    if (cron) parseCron(cron);
    if ((everyMs !== undefined || cron) && str(args, 'seed') !== undefined) {
      throw new ConfigError('--seed cannot be combined with --every or --cron: every run would resend the same event ids, which Sentry drops as duplicates');
    }
    resolveReplayRequest(request, flagLabel); // fail on bad options before touching the database
    const dbPath = str(args, 'db')!;
    const store = await openDbFromArgs(args, { mustExist: true });
    const service = createReplayService({ store, client: `undertaker/${VERSION}`, storeFingerprint: store.storeId, ownAddresses: () => servesOf(dbPath) });
    const json = bool(args, 'json');
    const quiet = bool(args, 'quiet');
    const once = (trigger: ReplayTrigger, signal: AbortSignal) => replayOnce(service, request, { trigger, signal, json, quiet, io });
    try {
      if (everyMs === undefined && !cron) {
        const stop = new AbortController();
        io.onStop(() => stop.abort());
        return exitCode(await once('cli', stop.signal));
      }
      io.stderr(`replaying ${everyMs !== undefined ? `every ${formatDuration(everyMs)}` : `on cron "${cron}"`}; stop with Ctrl-C\n`);
      const scheduleOpts = {
        run: async (signal: AbortSignal) => void (await once('schedule', signal)),
        onError: (error: unknown) => io.stderr(`replay run failed: ${(error as Error).message}; the schedule goes on\n`),
        onIdle: (next: Date) => io.stderr(`next run at ${next.toISOString()}\n`),
      };
      const schedule: Schedule = everyMs !== undefined ? startEvery({ ...scheduleOpts, everyMs }) : startCron({ ...scheduleOpts, expression: cron! });
      io.onStop(() => {
        io.stderr('stopping: finishing the envelopes in flight\n');
        void schedule.stop();
      });
      await schedule.done;
      return 0;
    } finally {
      await service.stopAll();
      await store.close();
    }
  },
});

/** The machine-readable summary of one run (stable keys). */
export function reportToJson(report: ReplayReport) {
  const { status, error } = runStatus(report);
  return {
    run_id: report.runId,
    status,
    error,
    destinations: report.destinations,
    selected: report.selected,
    sent: report.sent,
    accepted: report.accepted,
    rejected: report.rejected,
    failed: report.failed,
    rate_limited: report.rateLimited,
    skipped: report.skipped,
    unrouted: report.unrouted,
    by_status: report.byStatus,
    dry_run: report.dryRun,
    stopped: report.stopped,
  };
}

// --- internal ---

async function replayOnce(
  service: ReplayService,
  request: ReturnType<typeof requestFromArgs>,
  opts: { trigger: ReplayTrigger; signal: AbortSignal; json: boolean; quiet: boolean; io: CliIo },
): Promise<ReplayReport> {
  const { io } = opts;
  const progress = createProgress(io.stderr, { tty: io.stderrIsTty ?? false, quiet: opts.quiet });
  const started = await service.start(request, {
    trigger: opts.trigger,
    label: flagLabel,
    signal: opts.signal,
    onPlanned: (n) => progress.planned(n),
    onOutcome: (o) => progress.outcome(o),
    onWait: (w) => progress.waiting(w),
  });
  try {
    const report = await started.done;
    progress.done();
    io.stdout(opts.json ? `${JSON.stringify(reportToJson(report))}\n` : describeReport(report));
    return report;
  } catch (error) {
    progress.done();
    throw error;
  }
}

function exitCode(report: ReplayReport): number {
  return runStatus(report).error ? 1 : 0;
}

function describeReport(r: ReplayReport): string {
  const to = r.destinations.length === 1 ? r.destinations[0] : `${r.destinations.length} destinations`;
  const run = `run #${r.runId}`;
  const unrouted = r.unrouted ? `; ${r.unrouted} matched no route` : '';
  if (r.dryRun) return `dry run (${run}): ${r.selected} envelope(s) would be sent to ${to}${r.skipped ? `, ${r.skipped} skipped` : ''}${unrouted}\n`;
  const statuses = Object.entries(r.byStatus).map(([s, n]) => `${s}: ${n}`).join(', ');
  const stopped = r.stopped ? ' (stopped early)' : '';
  const none = r.selected === 0 && !r.unrouted ? '; no stored envelope matches the filters (see `undertaker events list`)' : '';
  return (
    `replayed ${r.selected} envelope(s) to ${to}${stopped}: ${r.sent} sent, ${r.accepted} accepted, ${r.rejected} rejected, ` +
    `${r.failed} failed, ${r.rateLimited} rate limited, ${r.skipped} skipped${statuses ? ` (${statuses})` : ''}${unrouted}${none}; ${run}\n`
  );
}

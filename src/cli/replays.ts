/** `undertaker replays list|show`: the history of replay runs and each envelope's outcome. */
import { outcomeToJson, runToJson } from '../replay/history-json.ts';
import { ConfigError, NotFoundError } from '../shared/errors.ts';
import type { ReplayOutcomeKind, ReplayRunRow, ReplayRunStatus } from '../store/index.ts';
import { openDbFromArgs } from './database.ts';
import { bool, defineCommand, int, str } from './command.ts';
import { DB_FLAG } from './shared-flags.ts';
import { formatTable } from './table.ts';

const STATUSES = ['running', 'succeeded', 'failed', 'stopped'];
const OUTCOMES = ['accepted', 'rejected', 'failed', 'rate_limited', 'skipped', 'dry_run'];

export const replaysListCommand = defineCommand({
  name: 'replays list',
  summary: 'List replay runs, newest first, with their counts.',
  usage: 'undertaker replays list [--status STATUS] [--limit N] [--json] [--db PATH]',
  flags: {
    status: { type: 'string', value: 'STATUS', description: `Only runs with this status: ${STATUSES.join(', ')}` },
    limit: { type: 'string', short: 'n', value: 'N', description: 'At most N runs', default: '20' },
    json: { type: 'boolean', description: 'Print a JSON array instead of a table' },
    db: DB_FLAG,
  },
  examples: ['undertaker replays list', 'undertaker replays list --status failed --json'],
  async run(args, io) {
    const status = str(args, 'status');
    if (status && !STATUSES.includes(status)) throw new ConfigError(`--status: "${status}" must be one of ${STATUSES.join(', ')}`);
    const limit = int(args, 'limit', { min: 1 })!;
    const store = await openDbFromArgs(args, { mustExist: true });
    try {
      const runs = await store.listReplayRuns({ limit, status: status as ReplayRunStatus | undefined });
      if (bool(args, 'json')) io.stdout(`${JSON.stringify(runs.map(runToJson), null, 2)}\n`);
      else if (!runs.length) io.stdout(status ? `No ${status} replay runs.\n` : 'No replay runs yet. Start one with `undertaker replay --dsn DSN`.\n');
      else io.stdout(formatTable(['ID', 'STARTED', 'STATUS', 'TRIGGER', 'SELECTED', 'ACCEPTED', 'REJECTED', 'FAILED', 'RATE-LIMITED', 'TOOK', 'DESTINATIONS'], runs.map(runCells)));
      return 0;
    } finally {
      await store.close();
    }
  },
});

export const replaysShowCommand = defineCommand({
  name: 'replays show',
  summary: "Show one replay run: its options, counts and every envelope's outcome.",
  usage: 'undertaker replays show ID [--outcome KIND] [--json] [--db PATH]',
  positionals: true,
  flags: {
    outcome: { type: 'string', value: 'KIND', description: `Only outcomes of this kind: ${OUTCOMES.join(', ')}` },
    limit: { type: 'string', short: 'n', value: 'N', description: 'At most N outcomes', default: '1000' },
    json: { type: 'boolean', description: 'Print the run and its outcomes as JSON' },
    db: DB_FLAG,
  },
  examples: ['undertaker replays show 3', 'undertaker replays show 3 --outcome rate_limited', 'undertaker replays show 3 --json'],
  async run(args, io) {
    const id = Number(args.positionals[0]);
    if (args.positionals.length !== 1 || !Number.isSafeInteger(id) || id < 1) throw new ConfigError('replays show needs one run ID (the first column of `undertaker replays list`)');
    const outcome = str(args, 'outcome');
    if (outcome && !OUTCOMES.includes(outcome)) throw new ConfigError(`--outcome: "${outcome}" must be one of ${OUTCOMES.join(', ')}`);
    const store = await openDbFromArgs(args, { mustExist: true });
    try {
      const run = await store.getReplayRun(id);
      if (!run) throw new NotFoundError(`no replay run with ID ${id}; \`undertaker replays list\` shows the IDs`);
      const outcomes = await store.listReplayOutcomes(id, { limit: int(args, 'limit', { min: 1 }), outcome: outcome as ReplayOutcomeKind | undefined });
      if (bool(args, 'json')) {
        io.stdout(`${JSON.stringify({ ...runToJson(run), outcomes: outcomes.map(outcomeToJson) }, null, 2)}\n`);
        return 0;
      }
      const j = runToJson(run);
      const head = Object.entries({ ...j, options: JSON.stringify(j.options), by_status: JSON.stringify(j.by_status) })
        .filter(([, v]) => v !== null)
        .map(([k, v]) => `${k.padEnd(13)} ${v}`);
      const rows = outcomes.map((o) => [String(o.envelopeId), o.outcome, o.httpStatus === null ? '' : String(o.httpStatus), String(o.attempts), o.newEventId ?? '', o.destination, o.reason ?? '']);
      const table = rows.length ? formatTable(['ENVELOPE', 'OUTCOME', 'HTTP', 'TRIES', 'NEW EVENT ID', 'DESTINATION', 'REASON'], rows) : 'no outcomes\n';
      io.stdout(`${head.join('\n')}\n\n${table}`);
      return 0;
    } finally {
      await store.close();
    }
  },
});

// --- internal ---

function runCells(r: ReplayRunRow): string[] {
  const took = r.finishedAt === null ? '' : `${((r.finishedAt - r.startedAt) / 1000).toFixed(1)}s`;
  const routes = (r.options.routes as Array<{ to: string[] }> | undefined) ?? [];
  const destinations = [...new Set(routes.flatMap((x) => x.to))].join(' ');
  return [
    String(r.id),
    new Date(r.startedAt).toISOString().replace('T', ' ').slice(0, 19),
    r.options.dryRun === true ? `${r.status} (dry run)` : r.status,
    r.trigger,
    String(r.selected),
    String(r.accepted),
    String(r.rejected),
    String(r.failed),
    String(r.rateLimited),
    took,
    destinations,
  ];
}

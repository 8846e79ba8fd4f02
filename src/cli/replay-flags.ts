/** The replay options as CLI flags, and their translation into a ReplayRequest (shared with serve). */
import type { ReplayRequest } from '../replay/options.ts';
import { ConfigError } from '../shared/errors.ts';
import { bool, type FlagSpec, int, type ParsedArgs, str } from './command.ts';
import { filterFromArgs } from './events.ts';
import { FILTER_FLAGS } from './shared-flags.ts';

export const ROUTING_FLAGS: Record<string, FlagSpec> = {
  dsn: { type: 'string', value: 'DSN', description: 'Destination for everything, e.g. https://<key>@o1.ingest.sentry.io/42; overrides --config', env: 'UNDERTAKER_REPLAY_DSN' },
  config: { type: 'string', value: 'FILE', description: 'Routing config (YAML or JSON): datasets, routes from sources to DSNs, replay defaults', env: 'UNDERTAKER_REPLAY_CONFIG' },
  force: { type: 'boolean', description: "Replay even into this Undertaker's own capture address" },
};

export const SELECT_FLAGS: Record<string, FlagSpec> = {
  ...FILTER_FLAGS,
  sdk: { type: 'string', value: 'NAME', description: 'Only envelopes from this SDK (sentry.python, sentry.javascript.node, …)' },
  id: { type: 'string', multiple: true, value: 'ID', description: 'Only this stored envelope (repeatable, or comma separated)' },
};

export const SHAPING_FLAGS: Record<string, FlagSpec> = {
  pace: { type: 'string', value: 'now|recorded', description: 'now: send at once, newest data lands just before now (default); recorded: keep the original gaps between envelopes' },
  speed: { type: 'string', value: 'N', description: 'With --pace recorded: N times faster than recorded' },
  spread: { type: 'string', value: 'DURATION', description: 'Spread the sends evenly over DURATION (with --pace recorded: scale the recording to fit)' },
  rate: { type: 'string', value: 'N/s', description: 'At most N envelopes per second (also N/m, N/h)' },
  concurrency: { type: 'string', value: 'N', description: 'Envelopes in flight at once (default 4)' },
  'max-wait': { type: 'string', value: 'DURATION', description: 'Longest wait at the end of a run for a rate limit to pass before retrying held envelopes (default 5m; 0: never wait)' },
  release: { type: 'string', value: 'VALUE|calver', description: 'Set every release to VALUE, or to calver YY.M.W (year, month, week of month; a name@ prefix is kept)' },
  environment: { type: 'string', value: 'NAME', description: 'Set every environment to NAME' },
  tag: { type: 'string', multiple: true, value: 'KEY:VALUE', description: 'Add this tag to every event, transaction and replay (repeatable)' },
  'no-marker': { type: 'boolean', description: 'Do not add the marker tag undertaker.run:<run id> (find replayed data with has:undertaker.run)' },
  'rotate-users': { type: 'boolean', description: 'Replace users with fake ones from a stable pool of 100 (the same original user always gets the same one)' },
  seed: { type: 'string', value: 'N', description: 'Deterministic new ids (same seed and clock: same output bytes)' },
  'dry-run': { type: 'boolean', description: 'Plan and rewrite, send nothing (recorded in history as dry_run)' },
};

/** `--spread` for a request key (the API uses the bare key). */
export function flagLabel(key: string): string {
  const flag = { dryRun: 'dry-run', maxWait: 'max-wait', rotateUsers: 'rotate-users', ids: 'id', tags: 'tag' }[key] ?? key;
  return `--${flag}`;
}

export function requestFromArgs(args: ParsedArgs): ReplayRequest {
  const filter = filterFromArgs(args);
  const req: ReplayRequest = {
    dsn: str(args, 'dsn'),
    config: str(args, 'config'),
    force: bool(args, 'force') || undefined,
    type: filter.type,
    platform: filter.platform,
    project: filter.projectId,
    limit: filter.limit,
    sdk: str(args, 'sdk'),
    ids: idsFromArgs(args),
    pace: str(args, 'pace'),
    speed: number(args, 'speed'),
    spread: str(args, 'spread'),
    rate: str(args, 'rate'),
    concurrency: int(args, 'concurrency', { min: 1, max: 64 }),
    maxWait: str(args, 'max-wait'),
    release: str(args, 'release'),
    environment: str(args, 'environment'),
    tags: args.values.tag as string[] | undefined,
    marker: bool(args, 'no-marker') ? false : undefined,
    rotateUsers: bool(args, 'rotate-users') || undefined,
    seed: int(args, 'seed'),
    dryRun: bool(args, 'dry-run') || undefined,
  };
  return Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined)) as ReplayRequest;
}

// --- internal ---

function idsFromArgs(args: ParsedArgs): number[] | undefined {
  const ids = (args.values.id as string[] | undefined)?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (!ids?.length) return undefined;
  return ids.map((v) => {
    if (!/^\d+$/.test(v)) throw new ConfigError(`--id: "${v}" is not an envelope ID (see \`undertaker events list\`)`);
    return Number(v);
  });
}

function number(args: ParsedArgs, name: string): number | undefined {
  const text = str(args, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new ConfigError(`--${name}: "${text}" must be a number above 0`);
  return n;
}

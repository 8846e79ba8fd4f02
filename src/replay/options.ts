/**
 * Replay options as the CLI, the HTTP API and the config file's `replay:` section give them,
 * resolved into a validated ReplayPlan. Precedence: the request (flags or API body), then the
 * config file's `replay:` defaults, then built-in defaults. `dsn` overrides every route.
 */
import { formatDuration, parseDuration } from '../config/duration.ts';
import { loadReplayConfig, parseReplayConfig, TAG_KEY } from '../config/replay-config.ts';
import { dsnToString, parseDsn } from '../envelope/dsn.ts';
import { ConfigError } from '../shared/errors.ts';
import type { EnvelopeFilter } from '../store/index.ts';
import { parseRate } from './pacing.ts';
import { createRouter, singleRouter } from './routing.ts';
import type { ReplayPlan } from './run.ts';

export interface ReplayRequest {
  dsn?: string;
  /** Path of a routing config file (YAML or JSON). */
  config?: string;
  /** A routing config given inline (HTTP API), same shape as the file. */
  routing?: unknown;
  type?: string;
  platform?: string;
  project?: number;
  sdk?: string;
  limit?: number;
  ids?: number[];
  dryRun?: boolean;
  seed?: number;
  force?: boolean;
  pace?: string;
  speed?: number;
  spread?: string;
  rate?: string | number;
  concurrency?: number;
  maxWait?: string;
  release?: string;
  environment?: string;
  /** `key:value` each. */
  tags?: string[];
  marker?: boolean;
  rotateUsers?: boolean;
}

export interface ResolvedReplay {
  plan: ReplayPlan;
  /** Add the `undertaker.run:<run id>` marker tag (needs the run id, so the caller adds it). */
  marker: boolean;
  /** The options as stored in history: no DSN secrets. */
  summary: Record<string, unknown>;
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_MAX_WAIT_MS = 5 * 60_000;

/** How a request key is named in messages: `--spread` for the CLI, `spread` for the API. */
export type Label = (key: string) => string;

export function resolveReplayRequest(req: ReplayRequest, label: Label, fallbackConfig?: string): ResolvedReplay {
  const configPath = req.dsn || req.routing !== undefined ? req.config : (req.config ?? fallbackConfig);
  const config = req.routing !== undefined ? parseReplayConfig(req.routing, label('routing')) : configPath ? loadReplayConfig(configPath) : undefined;
  if (!req.dsn && !config) throw new ConfigError(`replay needs a destination: ${label('dsn')} DSN or ${label('config')} FILE (a routing config)`);
  const router = req.dsn ? singleRouter(parseDsn(req.dsn)) : createRouter(config!);
  const d = config?.replay ?? {};
  const from = (key: string, configKey = key) => (req[key as keyof ReplayRequest] !== undefined ? label(key) : `${configPath ?? 'routing'}: replay.${configKey}`);

  const pace = req.pace ?? d.pace ?? 'now';
  if (pace !== 'now' && pace !== 'recorded') throw new ConfigError(`${from('pace')}: "${pace}" must be now or recorded`);
  const speed = req.speed ?? d.speed;
  if (speed !== undefined && (!(speed > 0) || !Number.isFinite(speed))) throw new ConfigError(`${from('speed')}: "${speed}" must be a number above 0`);
  if (speed !== undefined && pace !== 'recorded') throw new ConfigError(`${from('speed')} needs ${label('pace')} recorded`);
  const spreadText = req.spread ?? d.spread;
  const spreadMs = spreadText !== undefined ? parseDuration(spreadText, from('spread')) : undefined;
  if (speed !== undefined && spreadMs !== undefined) {
    throw new ConfigError(`${label('speed')} and ${label('spread')} cannot be combined: with ${label('pace')} recorded, ${label('spread')} scales the recording to fit`);
  }
  const rateText = req.rate ?? d.rate;
  const ratePerSecond = rateText !== undefined ? (parseRate(rateText) ?? bad(from('rate'), rateText, 'must be a rate such as 10/s, 100/m or 5')) : undefined;
  const concurrency = req.concurrency ?? d.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) bad(from('concurrency'), concurrency, 'must be a whole number from 1 to 64');
  const maxWaitText = req.maxWait ?? d.max_wait;
  const maxWaitMs = maxWaitText === undefined ? DEFAULT_MAX_WAIT_MS : maxWaitText === '0' ? 0 : parseDuration(maxWaitText, from('maxWait', 'max_wait'));
  const tags = [...Object.entries(d.tags ?? {}), ...(req.tags ?? []).map((t) => parseTag(t, label('tag')))];
  const release = req.release ?? d.release;
  const environment = req.environment ?? d.environment;
  const marker = req.marker ?? d.marker ?? true;
  const rotateUsers = req.rotateUsers ?? d.rotate_users ?? false;

  const plan: ReplayPlan = {
    filter: filterOf(req),
    router,
    pacing: { mode: pace, speed: speed ?? 1, spreadMs },
    ratePerSecond,
    concurrency,
    shaping: { release, environment, tags, rotateUsers },
    seed: req.seed,
    dryRun: !!req.dryRun,
    force: !!req.force,
    maxWaitMs,
  };
  const summary = {
    destinations: router.destinations.map((dsn) => dsnToString(dsn)),
    routes: router.describe(),
    ...(configPath && !req.dsn ? { config: configPath } : {}),
    filter: plan.filter,
    pace,
    ...(speed !== undefined ? { speed } : {}),
    ...(spreadMs !== undefined ? { spread: formatDuration(spreadMs) } : {}),
    ...(ratePerSecond !== undefined ? { rate: `${ratePerSecond}/s` } : {}),
    concurrency,
    maxWait: maxWaitMs ? formatDuration(maxWaitMs) : '0',
    ...(release !== undefined ? { release } : {}),
    ...(environment !== undefined ? { environment } : {}),
    tags: Object.fromEntries(tags),
    marker,
    rotateUsers,
    ...(req.seed !== undefined ? { seed: req.seed } : {}),
    dryRun: plan.dryRun,
    force: plan.force,
  };
  return { plan, marker, summary };
}

/** Parses `key:value` (the key is everything before the first colon). */
export function parseTag(text: string, flag: string): [string, string] {
  const at = text.indexOf(':');
  const key = at > 0 ? text.slice(0, at) : '';
  const value = at > 0 ? text.slice(at + 1) : '';
  if (!TAG_KEY.test(key)) throw new ConfigError(`${flag}: "${text}" needs key:value with a key of at most 32 letters, digits, _ . : - (no spaces)`);
  if (value === '' || value.length > 200 || value.includes('\n')) throw new ConfigError(`${flag}: "${text}" needs a value of 1 to 200 characters on one line`);
  return [key, value];
}

// --- internal ---

function filterOf(req: ReplayRequest): EnvelopeFilter {
  const filter: EnvelopeFilter = {};
  if (req.type) filter.type = req.type;
  if (req.platform) filter.platform = req.platform;
  if (req.project !== undefined) filter.projectId = req.project;
  if (req.sdk) filter.sdk = req.sdk;
  if (req.limit !== undefined) filter.limit = req.limit;
  if (req.ids?.length) filter.ids = req.ids;
  return filter;
}

function bad(where: string, value: unknown, why: string): never {
  throw new ConfigError(`${where}: "${value}" ${why}`);
}

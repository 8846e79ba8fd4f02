/**
 * Replays inside `serve`: the process's replay service (also behind POST /api/replays) and an
 * optional schedule (`--replay-every` / `--replay-cron` with `--replay-config` or `--replay-dsn`),
 * so one executable is both capture server and scheduler.
 */
import { parseDuration } from '../config/duration.ts';
import { assertNotOwnAddress } from '../replay/guard.ts';
import { type ReplayRequest, resolveReplayRequest } from '../replay/options.ts';
import { createReplayService, type ReplayService, runStatus } from '../replay/service.ts';
import { parseCron, startCron } from '../schedule/cron.ts';
import { type Schedule, startEvery } from '../schedule/every.ts';
import { ConfigError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { announceServe, type ServeAddress, servesOf } from '../store/presence.ts';
import type { Store } from '../store/index.ts';
import { type FlagSpec, type ParsedArgs, str } from './command.ts';
import { VERSION } from './version.ts';

export const SERVE_REPLAY_FLAGS: Record<string, FlagSpec> = {
  'replay-config': { type: 'string', value: 'FILE', description: 'Routing config for scheduled replays and the default of POST /api/replays', env: 'UNDERTAKER_REPLAY_CONFIG' },
  'replay-dsn': { type: 'string', value: 'DSN', description: 'Replay everything to this DSN on the schedule (instead of --replay-config)' },
  'replay-every': { type: 'string', value: 'DURATION', description: 'Replay every DURATION in this process (15m, 1h, …)', env: 'UNDERTAKER_REPLAY_EVERY' },
  'replay-cron': { type: 'string', value: 'EXPR', description: 'Replay at each match of a cron expression, local time zone', env: 'UNDERTAKER_REPLAY_CRON' },
};

export interface ServeReplaySettings {
  request: ReplayRequest;
  everyMs?: number;
  cron?: string;
  config?: string;
}

/** Validates the flags before anything is opened (a bad schedule or config exits 2 at once). */
export function parseServeReplayArgs(args: ParsedArgs): ServeReplaySettings {
  const every = str(args, 'replay-every');
  const cron = str(args, 'replay-cron');
  const config = str(args, 'replay-config');
  const dsn = str(args, 'replay-dsn');
  if (every && cron) throw new ConfigError('--replay-every and --replay-cron cannot be combined; pick one schedule');
  if (cron) parseCron(cron, '--replay-cron');
  const request: ReplayRequest = dsn ? { dsn } : config ? { config } : {};
  const label = (key: string) => ({ dsn: '--replay-dsn', config: '--replay-config' })[key] ?? `${key}`;
  if (every || cron) {
    if (!dsn && !config) throw new ConfigError(`--replay-${every ? 'every' : 'cron'} needs --replay-config FILE or --replay-dsn DSN`);
    resolveReplayRequest(request, label);
  } else if (config) {
    resolveReplayRequest(request, label);
  }
  return { request, everyMs: every ? parseDuration(every, '--replay-every', 1000) : undefined, cron, config };
}

export interface ServeReplays {
  service: ReplayService;
  /** Announces the listen address (store/presence.ts) and starts the schedule, if any, once the server listens. */
  startSchedule(listen: { host: string; port: number }): void;
  /** Stops the schedule and every run in progress, letting sends in flight finish. */
  stop(): Promise<void>;
}

export function createServeReplays(settings: ServeReplaySettings, deps: { store: Store; dbPath: string; logger: Logger }): ServeReplays {
  let own: ServeAddress[] = [];
  let unannounce = () => {};
  const service = createReplayService({
    store: deps.store,
    client: `undertaker/${VERSION}`,
    storeFingerprint: deps.store.storeId,
    // This server, and any other serve writing into the same database.
    ownAddresses: () => [...own, ...servesOf(deps.dbPath)],
    defaultConfig: settings.config,
    logger: deps.logger,
  });
  let schedule: Schedule | undefined;
  const run = async (signal: AbortSignal) => {
    const started = await service.start(settings.request, { trigger: 'schedule', label: (k) => k, signal });
    const report = await started.done;
    const { status, error } = runStatus(report);
    deps.logger.info(`replay run #${started.runId} ${status}: ${report.selected} envelope(s), ${report.accepted} accepted${error ? `, ${error}` : ''}`);
  };
  return {
    service,
    startSchedule(listen) {
      if (settings.everyMs !== undefined || settings.cron) {
        // A schedule into this server's own capture address would double the data every run:
        // refuse at start (exit 2) rather than fail every run. The config is read again per run.
        const { plan } = resolveReplayRequest(settings.request, (k) => ({ dsn: '--replay-dsn', config: '--replay-config' })[k] ?? k);
        if (!plan.force) assertNotOwnAddress(plan.router.destinations, [listen]);
      }
      own = [listen];
      const others = servesOf(deps.dbPath);
      if (others.length) {
        deps.logger.warn(
          `another undertaker serve (${others.map((o) => `${o.host}:${o.port}`).join(', ')}) writes into this database too: both capture into it, and only one at a time forwards its outbox`,
        );
      }
      unannounce = announceServe(deps.dbPath, listen);
      if (settings.everyMs === undefined && !settings.cron) return;
      const opts = {
        run,
        onError: (e: unknown) => deps.logger.error(`scheduled replay failed: ${(e as Error).message}; the schedule goes on`),
        onIdle: (next: Date) => deps.logger.info(`next replay at ${next.toISOString()}`),
      };
      schedule = settings.cron ? startCron({ ...opts, expression: settings.cron }) : startEvery({ ...opts, everyMs: settings.everyMs! });
    },
    async stop() {
      await Promise.all([schedule?.stop(), service.stopAll()]);
      unannounce();
    },
  };
}

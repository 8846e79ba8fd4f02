/**
 * Forwarding inside `serve`: the flags (per-source modes and upstreams, spool bounds, drain
 * timeout, a config file), and the forwarder's life: started once the server listens, drained
 * for a bounded time on SIGTERM after the in-flight requests have finished.
 */
import { formatDuration } from '../config/duration.ts';
import { type ForwardSettings, loadForwardConfig, resolveForwardSettings } from '../config/forward-config.ts';
import { dsnToString, parseDsn } from '../envelope/dsn.ts';
import { createForwarder, type Forwarder } from '../forward/forwarder.ts';
import { type ListenAddress, ownCaptureOf } from '../replay/guard.ts';
import { ConfigError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { Store } from '../store/index.ts';
import { type FlagSpec, int, type ParsedArgs, str } from './command.ts';
import { VERSION } from './version.ts';

export const SERVE_FORWARD_FLAGS: Record<string, FlagSpec> = {
  forward: {
    type: 'string',
    multiple: true,
    value: 'PROJECT=DSN',
    description: 'Forward captures of project PROJECT (an id, or * for every project without its own entry) to this upstream DSN through a durable outbox; repeatable; mode record+forward unless --forward-mode says otherwise',
  },
  'forward-mode': {
    type: 'string',
    multiple: true,
    value: 'PROJECT=MODE',
    description: 'record (store only; the default without --forward), forward (pass through: nothing stored but the outbox row until delivered) or record+forward; repeatable',
  },
  'forward-config': { type: 'string', value: 'FILE', description: 'YAML/JSON file with sources, spool, drain_timeout and max_backoff (flags win)', env: 'UNDERTAKER_FORWARD_CONFIG' },
  'spool-max-rows': { type: 'string', value: 'N', description: 'Outbox rows kept at most; past it the oldest are shed, each logged (default 100000)' },
  'spool-max-bytes': { type: 'string', value: 'SIZE', description: 'Outbox bytes kept at most, e.g. 500MiB (default 1GiB)' },
  'spool-max-age': { type: 'string', value: 'DURATION', description: 'Outbox rows older than this are shed (default 3d)' },
  'drain-timeout': { type: 'string', value: 'DURATION', description: 'On SIGTERM, once in-flight requests are done, how long the outbox may still deliver before exit (default 10s; 0 exits at once)', env: 'UNDERTAKER_DRAIN_TIMEOUT' },
};

/** Validates the flags and the config file before anything is opened (a mistake exits 2 at once). */
export function parseServeForwardArgs(args: ParsedArgs): ForwardSettings {
  const file = str(args, 'forward-config');
  const config = file ? loadForwardConfig(file) : undefined;
  const flags = {
    forward: list(args, 'forward'),
    forwardMode: list(args, 'forward-mode'),
    spoolMaxRows: int(args, 'spool-max-rows', { min: 1 }),
    spoolMaxBytes: str(args, 'spool-max-bytes'),
    spoolMaxAge: str(args, 'spool-max-age'),
    drainTimeout: str(args, 'drain-timeout'),
  };
  return resolveForwardSettings(config, flags, file);
}

export interface ServeForwarding {
  forwarder: Forwarder;
  /**
   * Refuses (ConfigError, exit 2) an upstream that is this server's own capture address: every
   * forward would be captured, get an outbox row of its own, and be forwarded again, without end.
   */
  checkUpstreams(listen: ListenAddress): Promise<void>;
  /** Starts delivering (also what an earlier run left in the outbox). */
  start(): Promise<void>;
  /** Delivers for at most the drain timeout, then stops; what is left stays for the next start. */
  stop(): Promise<void>;
}

export function createServeForwarding(settings: ForwardSettings, deps: { store: Store; logger: Logger }): ServeForwarding {
  const forwarder = createForwarder({
    store: deps.store,
    logger: deps.logger,
    spool: settings.spool,
    client: `undertaker/${VERSION}`,
    maxBackoffMs: settings.maxBackoffMs,
    ownStore: deps.store.storeId,
  });
  return {
    forwarder,
    async checkUpstreams(listen) {
      for (const [project, route] of settings.routes) {
        if (route.mode === 'record' || !route.upstream) continue;
        const dsn = parseDsn(route.upstream);
        if (await ownCaptureOf(dsn, [listen])) {
          throw new ConfigError(
            `refusing to forward project ${project} to ${dsnToString(dsn)}: it is this server's own capture address ${listen.host}:${listen.port}, so every forward would be captured and forwarded again without end`,
          );
        }
      }
    },
    async start() {
      for (const [project, route] of settings.routes) {
        const to = route.upstream ? ` to ${dsnToString(parseDsn(route.upstream))}` : '';
        deps.logger.info(`project ${project === '*' ? '* (every other project)' : project}: ${route.mode}${route.mode === 'record' ? '' : to}`);
      }
      if (settings.routes.size) {
        const { maxRows, maxBytes, maxAgeMs } = settings.spool;
        deps.logger.info(
          `outbox: at most ${maxRows} rows, ${formatBytes(maxBytes)}, ${formatDuration(maxAgeMs)} old; drain on stop up to ${formatDuration(settings.drainTimeoutMs)}; retries back off up to ${formatDuration(settings.maxBackoffMs)}`,
        );
      } else if (settings.configured) {
        deps.logger.warn('the forward config names no sources: everything is only recorded');
      }
      await forwarder.refresh();
      const waiting = forwarder.health().depth;
      if (waiting) deps.logger.info(`outbox: ${waiting} row(s) waiting from an earlier run; delivering`);
      forwarder.start();
    },
    async stop() {
      const { left } = await forwarder.stop(settings.drainTimeoutMs);
      const { parked } = forwarder.health();
      const waiting = left - parked;
      if (waiting > 0) deps.logger.info(`outbox: ${waiting} row(s) left for the next start${parked ? ` (and ${parked} set aside, never sent)` : ''}`);
      else if (parked) deps.logger.info(`outbox: ${parked} row(s) set aside (refused upstream), none waiting`);
    },
  };
}

// --- internal ---

function formatBytes(n: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  return `${n} bytes`;
}

function list(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

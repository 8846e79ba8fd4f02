/** `undertaker serve`: the capture server (and its shutdown wiring). */
import { existsSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { LIMIT_KEYS, parseLimits } from '../ingest/limits.ts';
import { ConfigError } from '../shared/errors.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import type { Store } from '../store/index.ts';
import { createApp, startServer } from '../web/app.ts';
import { describeAdminAccess, resolveAdminToken } from './admin-token.ts';
import { openDbFromArgs } from './database.ts';
import { bool, defineCommand, int, str } from './command.ts';
import { DB_FLAG } from './shared-flags.ts';
import { createServeReplays, parseServeReplayArgs, SERVE_REPLAY_FLAGS } from './serve-replay.ts';
import { createServeForwarding, parseServeForwardArgs, SERVE_FORWARD_FLAGS } from './serve-forward.ts';

export const DEFAULT_PORT = 3001;

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'Run the capture server: point Sentry SDK DSNs at it and every request is stored.',
  usage: 'undertaker serve [--host HOST] [--port PORT] [--db PATH] [--keys KEY,KEY] [--forward PROJECT=DSN [--forward-mode PROJECT=MODE]]',
  description:
    'SDKs use a DSN like http://<public key>@HOST:PORT/<project id>. Every Sentry ingest endpoint (envelope,\n' +
    'store, minidump, security/CSP, NEL, Unreal, cron) is accepted behind any path prefix, with\n' +
    'gzip/deflate/br/zstd bodies, browser CORS and a tunnel path. Relay\'s size limits apply (see --limits-file).\n' +
    'Per project, captures can also be forwarded to an upstream Sentry (--forward): the SDK gets its 200 once\n' +
    'the capture and its outbox row are committed; a background loop delivers the outbox in order per project,\n' +
    'with backoff and the upstream\'s rate limits. /health reports the outbox depth, oldest age and shed count.',
  flags: {
    host: { type: 'string', value: 'HOST', description: 'Address to bind; use 0.0.0.0 to accept other machines', env: 'UNDERTAKER_HOST', default: '127.0.0.1' },
    port: { type: 'string', short: 'p', value: 'PORT', description: 'Port to listen on; 0 picks a free one', env: 'UNDERTAKER_PORT', default: String(DEFAULT_PORT) },
    db: DB_FLAG,
    keys: { type: 'string', value: 'KEY,KEY', description: 'Accept only these public keys (others get 401); default accepts any key or none', env: 'UNDERTAKER_KEYS' },
    'tunnel-path': { type: 'string', value: 'PATH', description: 'Path where browser SDKs using the `tunnel` option post envelopes', env: 'UNDERTAKER_TUNNEL_PATH', default: '/tunnel' },
    'max-envelope-size': { type: 'string', value: 'SIZE', description: 'Largest decoded envelope accepted, 413 above: bytes or a size such as 20MiB (default 200MiB, or the limits file\'s max_envelope_size)', env: 'UNDERTAKER_MAX_ENVELOPE_SIZE' },
    'limits-file': { type: 'string', value: 'PATH', description: `JSON object of Relay-style size/count limits, e.g. {"max_event_size": "2MiB", "max_attachment_count": 50}; keys: ${LIMIT_KEYS.join(', ')}`, env: 'UNDERTAKER_LIMITS_FILE' },
    'admin-token': { type: 'string', value: 'TOKEN', description: 'Token the page and /api require (bearer header or /login); on a non-loopback --host without one, a random token is generated and printed', env: 'UNDERTAKER_ADMIN_TOKEN' },
    quiet: { type: 'boolean', short: 'q', description: 'Log warnings and errors only' },
    ...SERVE_REPLAY_FLAGS,
    ...SERVE_FORWARD_FLAGS,
  },
  examples: [
    'undertaker serve',
    'undertaker serve --port 9000 --db /var/lib/undertaker/capture.db',
    'UNDERTAKER_HOST=0.0.0.0 undertaker serve --keys 0123456789abcdef0123456789abcdef',
    'undertaker serve --forward 1=https://<key>@o1.ingest.sentry.io/42            # record and forward project 1',
    'undertaker serve --forward 2=https://<key>@o1.ingest.sentry.io/43 --forward-mode 2=forward   # pass through only',
    'undertaker serve --forward-config forward.yaml --drain-timeout 30s',
  ],
  async run(args, io) {
    const port = int(args, 'port', { min: 0, max: 65535 })!;
    const host = str(args, 'host')!;
    const tunnelPath = str(args, 'tunnel-path')!;
    if (!tunnelPath.startsWith('/')) throw new ConfigError(`--tunnel-path: "${tunnelPath}" must start with /`);
    // A byte count, or a size with a unit (200MiB, 20MB), as in the limits file.
    const maxEnvelopeText = str(args, 'max-envelope-size');
    const flagLimits = maxEnvelopeText === undefined ? {} : { max_envelope_size: /^\d+$/.test(maxEnvelopeText) ? Number(maxEnvelopeText) : maxEnvelopeText };
    if (maxEnvelopeText !== undefined) parseLimits(flagLimits, '--max-envelope-size');
    const limitsFile = str(args, 'limits-file');
    const fileLimits = limitsFile ? await readLimitsFile(limitsFile) : {};
    const configured = parseLimits({ ...fileLimits, ...flagLimits }, limitsFile ?? '--max-envelope-size');
    const keys = str(args, 'keys');
    const admin = resolveAdminToken(host, str(args, 'admin-token'));
    const logger = createLogger(bool(args, 'quiet') ? 'warn' : 'info', (line) => io.stderr(`${line}\n`));
    const replaySettings = parseServeReplayArgs(args);
    const forwardSettings = parseServeForwardArgs(args);
    const dbExisted = existsSync(str(args, 'db')!);
    const store = await openDbFromArgs(args, { mustExist: false });
    const counting = countCaptures(store);
    const replays = createServeReplays(replaySettings, { store, dbPath: str(args, 'db')!, logger });
    const forwarding = createServeForwarding(forwardSettings, { store, logger });
    const limits = { maxEnvelopeBytes: configured.maxEnvelopeSize, maxEventBytes: configured.maxEventSize, maxRequestBytes: configured.maxRequestSize, limits: configured };
    const app = createApp({
      store: counting.store,
      logger,
      adminToken: admin.token,
      replays: replays.service,
      storeFingerprint: store.storeId,
      health: () => ({ outbox: forwarding.forwarder.health() }),
      ingest: { ...limits, tunnelPath, forwarding: forwardSettings.routes, allowedKeys: keys ? new Set(keys.split(',').map((k) => k.trim()).filter(Boolean)) : undefined },
    });
    // A start that fails closes the database, and removes it when this start created it: it holds nothing.
    const abandon = async () => {
      await store.close();
      if (!dbExisted) for (const suffix of ['', '-wal', '-shm']) rmSync(`${str(args, 'db')}${suffix}`, { force: true });
    };
    let server;
    try {
      server = startServer(app, { host, port, maxRequestBytes: limits.maxRequestBytes });
    } catch (error) {
      await abandon();
      const message = (error as Error).message;
      if (/in use|EADDRINUSE/i.test(message)) throw new ConfigError(`port ${port} on ${host} is already in use; pick another with --port (0 picks a free one)`);
      if (/EACCES|permission/i.test(message)) throw new ConfigError(`not allowed to listen on port ${port}; ports below 1024 need privileges, pick another with --port`);
      throw new ConfigError(`cannot listen on ${host}:${port} (${message}); --host must be an address of this machine, e.g. 127.0.0.1, 0.0.0.0 or ::1`);
    }
    // Checked before `listening on` is printed: a supervisor reading stdout sees a start only if it is one.
    try {
      await forwarding.checkUpstreams({ host, port: server.port });
      replays.startSchedule({ host, port: server.port });
    } catch (error) {
      await server.stop();
      await abandon();
      throw error;
    }
    io.stdout(`listening on ${server.url}\n`);
    io.stderr(describeAdminAccess(admin, server.url));
    const dsnHost = host === '0.0.0.0' || host === '::' ? '<this host>' : host.includes(':') ? `[${host}]` : host;
    logger.info(`storing captures in ${str(args, 'db')}; DSN example: http://<public key>@${dsnHost}:${server.port}/1`);
    const activity = startActivityLog(counting, logger);
    await forwarding.start();
    await new Promise<void>((resolve) => io.onStop(resolve));
    logger.info('shutting down: finishing in-flight requests and replays');
    await replays.stop();
    await server.stop();
    await forwarding.stop();
    activity.stop();
    await store.close();
    return 0;
  },
});

/** Wraps the store to count what is captured, by main type, for the activity log. */
function countCaptures(store: Store): { store: Store; take(): Map<string, number> } {
  let counts = new Map<string, number>();
  const counted: Store = Object.create(store);
  counted.insertEnvelope = async (e) => {
    const id = await store.insertEnvelope(e);
    counts.set(e.summary.mainType, (counts.get(e.summary.mainType) ?? 0) + 1);
    return id;
  };
  return {
    store: counted,
    take() {
      const taken = counts;
      counts = new Map();
      return taken;
    },
  };
}

/** One line every 10 s while captures arrive, so a user sees their SDK's events land without a line per request. */
function startActivityLog(counting: { take(): Map<string, number> }, logger: Logger): { stop(): void } {
  const timer = setInterval(() => {
    const counts = counting.take();
    if (!counts.size) return;
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    logger.info(`captured ${total} envelope(s) in the last 10 s (${[...counts].map(([t, n]) => `${t}: ${n}`).join(', ')})`);
  }, ACTIVITY_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

const ACTIVITY_INTERVAL_MS = 10_000;

/** Reads a limits file as JSON; a missing or malformed file is a usage error naming it. */
async function readLimitsFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`--limits-file: cannot read "${path}": ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`--limits-file: "${path}" is not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`--limits-file: "${path}" must hold a JSON object of limits`);
  return value as Record<string, unknown>;
}

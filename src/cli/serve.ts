/** `undertaker serve`: the capture server (and its shutdown wiring). */
import { DEFAULT_INGEST_LIMITS } from '../ingest/routes.ts';
import { ConfigError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { openStore } from '../store/index.ts';
import { createApp, startServer } from '../web/app.ts';
import { bool, defineCommand, int, str } from './command.ts';
import { DB_FLAG } from './shared-flags.ts';

export const DEFAULT_PORT = 3001;

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'Run the capture server: point Sentry SDK DSNs at it and every request is stored.',
  usage: 'undertaker serve [--host HOST] [--port PORT] [--db PATH] [--keys KEY,KEY]',
  description:
    'SDKs use a DSN like http://<public key>@HOST:PORT/<project id>. Envelope and store endpoints are\n' +
    'accepted behind any path prefix, with gzip/deflate/br/zstd bodies, browser CORS and a tunnel path.',
  flags: {
    host: { type: 'string', value: 'HOST', description: 'Address to bind; use 0.0.0.0 to accept other machines', env: 'UNDERTAKER_HOST', default: '127.0.0.1' },
    port: { type: 'string', short: 'p', value: 'PORT', description: 'Port to listen on; 0 picks a free one', env: 'UNDERTAKER_PORT', default: String(DEFAULT_PORT) },
    db: DB_FLAG,
    keys: { type: 'string', value: 'KEY,KEY', description: 'Accept only these public keys (others get 401); default accepts any key or none', env: 'UNDERTAKER_KEYS' },
    'tunnel-path': { type: 'string', value: 'PATH', description: 'Path where browser SDKs using the `tunnel` option post envelopes', env: 'UNDERTAKER_TUNNEL_PATH', default: '/tunnel' },
    'max-envelope-size': { type: 'string', value: 'BYTES', description: 'Largest decoded envelope accepted (413 above)', env: 'UNDERTAKER_MAX_ENVELOPE_SIZE', default: String(DEFAULT_INGEST_LIMITS.maxEnvelopeBytes) },
    quiet: { type: 'boolean', short: 'q', description: 'Log warnings and errors only' },
  },
  examples: [
    'undertaker serve',
    'undertaker serve --port 9000 --db /var/lib/undertaker/capture.db',
    'UNDERTAKER_HOST=0.0.0.0 undertaker serve --keys 0123456789abcdef0123456789abcdef',
  ],
  async run(args, io) {
    const port = int(args, 'port', { min: 0, max: 65535 })!;
    const host = str(args, 'host')!;
    const tunnelPath = str(args, 'tunnel-path')!;
    if (!tunnelPath.startsWith('/')) throw new ConfigError(`--tunnel-path: "${tunnelPath}" must start with /`);
    const maxEnvelopeBytes = int(args, 'max-envelope-size', { min: 1 })!;
    const keys = str(args, 'keys');
    const logger = createLogger(bool(args, 'quiet') ? 'warn' : 'info', io.stderr);
    const store = await openStore({ dialect: 'sqlite', path: str(args, 'db')! });
    const limits = { ...DEFAULT_INGEST_LIMITS, maxEnvelopeBytes, maxRequestBytes: Math.max(maxEnvelopeBytes, DEFAULT_INGEST_LIMITS.maxEventBytes) };
    const app = createApp({
      store,
      logger,
      ingest: { ...limits, tunnelPath, allowedKeys: keys ? new Set(keys.split(',').map((k) => k.trim()).filter(Boolean)) : undefined },
    });
    let server;
    try {
      server = startServer(app, { host, port, maxRequestBytes: limits.maxRequestBytes });
    } catch (error) {
      await store.close();
      const message = (error as Error).message;
      if (/in use|EADDRINUSE/i.test(message)) throw new ConfigError(`port ${port} on ${host} is already in use; pick another with --port (0 picks a free one)`);
      throw error;
    }
    io.stdout(`listening on ${server.url}\n`);
    logger.info(`storing captures in ${str(args, 'db')}; DSN example: http://<public key>@${host === '0.0.0.0' ? '<this host>' : host}:${server.port}/1`);
    await new Promise<void>((resolve) => io.onStop(resolve));
    logger.info('shutting down: finishing in-flight requests');
    await server.stop();
    await store.close();
    return 0;
  },
});

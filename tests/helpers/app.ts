// In-process app for route tests: a fresh :memory: store per test, no port.
import type { EnvelopeLimits } from '../../src/envelope/limits.ts';
import { DEFAULT_INGEST_LIMITS } from '../../src/ingest/routes.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { createApp } from '../../src/web/app.ts';

export interface TestApp {
  store: Store;
  logs: string[];
  request(path: string, init?: RequestInit): Promise<Response>;
}

export async function createTestApp(
  over: { allowedKeys?: string[]; maxEnvelopeBytes?: number; maxRequestBytes?: number; limits?: Partial<EnvelopeLimits> } = {},
): Promise<TestApp> {
  const store = await openStore({ dialect: 'sqlite', path: ':memory:' });
  const logs: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  const app = createApp({
    store,
    logger,
    ingest: {
      ...DEFAULT_INGEST_LIMITS,
      ...(over.maxEnvelopeBytes ? { maxEnvelopeBytes: over.maxEnvelopeBytes } : {}),
      ...(over.maxRequestBytes ? { maxRequestBytes: over.maxRequestBytes } : {}),
      ...(over.limits ? { limits: over.limits } : {}),
      tunnelPath: '/tunnel',
      allowedKeys: over.allowedKeys ? new Set(over.allowedKeys) : undefined,
    },
  });
  return { store, logs, request: (path, init) => app.handle(new Request(`http://127.0.0.1${path}`, init)) };
}

export const KEY = '0123456789abcdef0123456789abcdef';
export const EVENT_ID = '9ec79c33ec9942ab8353589fcb2e04dc';

export const enc = (s: string) => new TextEncoder().encode(s);

/** Concatenates strings and byte arrays into one body. */
export function bytes(...parts: (string | Uint8Array | number[])[]): Uint8Array<ArrayBuffer> {
  const chunks = parts.map((p) => (typeof p === 'string' ? enc(p) : p instanceof Uint8Array ? p : new Uint8Array(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

export function sha256(b: Uint8Array): string {
  return new Bun.CryptoHasher('sha256').update(b).digest('hex');
}

export const SIMPLE_ENVELOPE =
  `{"event_id":"${EVENT_ID}","sent_at":"2026-07-15T08:00:00Z"}\n` +
  '{"type":"event"}\n' +
  '{"message":"hello","platform":"python","level":"error","timestamp":1752566400.25}\n';

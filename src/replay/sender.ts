/**
 * Sends one serialised envelope to a DSN's envelope endpoint with Sentry auth,
 * gzip-compressed. Retries network errors and 502/503/504 a few times with
 * backoff; never retries 4xx (a 400 or 413 will not get better).
 */
import { gzipSync } from 'node:zlib';
import { authHeader, envelopeUrl } from '../envelope/dsn.ts';
import type { Dsn } from '../envelope/dsn.ts';

export interface SendOutcome {
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  ok: boolean;
  /** Response body (truncated) or the network error. */
  detail: string;
  attempts: number;
}

export interface SenderOptions {
  dsn: Dsn;
  client: string;
  fetch?: typeof fetch;
  gzip?: boolean;
  /** Total attempts for retryable failures. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const RETRY_STATUS_CODES = new Set([
  502, // bad gateway: a proxy in front of Sentry lost its upstream
  503, // Relay overloaded ("failed to queue envelope")
  504, // gateway timeout
]);

export type Sender = (body: Uint8Array) => Promise<SendOutcome>;

export function createSender(opts: SenderOptions): Sender {
  const url = envelopeUrl(opts.dsn);
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const maxAttempts = opts.maxAttempts ?? 3;
  const headers: Record<string, string> = {
    'content-type': 'application/x-sentry-envelope',
    'x-sentry-auth': authHeader(opts.dsn, opts.client),
    'user-agent': opts.client,
  };
  if (opts.gzip !== false) headers['content-encoding'] = 'gzip';

  return async (body) => {
    const payload = opts.gzip === false ? body : gzipSync(body);
    let last: SendOutcome = { status: null, ok: false, detail: 'not sent', attempts: 0 };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      last = await attemptOnce(doFetch, url, headers, payload, attempt);
      const retryable = last.status === null || RETRY_STATUS_CODES.has(last.status);
      if (last.ok || !retryable || attempt === maxAttempts) return last;
      await sleep(250 * 2 ** (attempt - 1));
    }
    return last;
  };
}

// --- internal ---

async function attemptOnce(doFetch: typeof fetch, url: string, headers: Record<string, string>, payload: Uint8Array, attempt: number): Promise<SendOutcome> {
  try {
    const res = await doFetch(url, { method: 'POST', headers, body: payload as Uint8Array<ArrayBuffer> });
    const text = (await res.text()).slice(0, 500);
    return { status: res.status, ok: res.ok, detail: text, attempts: attempt };
  } catch (error) {
    return { status: null, ok: false, detail: `network error: ${(error as Error).message}`, attempts: attempt };
  }
}

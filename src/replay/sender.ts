/**
 * Sends one serialised envelope to a DSN's envelope endpoint with Sentry auth, gzip-compressed.
 * Retries network errors and 500/502/503/504 with backoff, bounded per envelope and per run;
 * never retries 4xx (a 400 or 413 will not get better; a 429 is the rate limiter's business).
 */
import { gzipBytes } from '../shared/gzip.ts';
import { authHeader, envelopeUrl } from '../envelope/dsn.ts';
import type { Dsn } from '../envelope/dsn.ts';
import type { RateLimitHeaders } from './rate-limits.ts';

export interface SendOutcome {
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  ok: boolean;
  /** Response body (truncated) or the network error. */
  detail: string;
  attempts: number;
  /** Rate-limit headers of the last response (both null without a response). */
  limits: RateLimitHeaders;
  /** `x-undertaker-store` of the last response: the receiving Undertaker's store id. */
  undertakerStore: string | null;
}

/** Retries shared by every send of a run, so an outage does not multiply the load. */
export interface RetryBudget {
  /** Takes one retry; false when the budget is spent. */
  take(): boolean;
}

export interface SenderOptions {
  dsn: Dsn;
  client: string;
  fetch?: typeof fetch;
  gzip?: boolean;
  /** Total attempts per envelope for retryable failures. */
  maxAttempts?: number;
  budget?: RetryBudget;
  sleep?: (ms: number) => Promise<void>;
  /** Per-attempt timeout. */
  timeoutMs?: number;
}

export const RETRY_STATUS_CODES = new Set([
  500, // internal error: often transient on a busy Relay
  502, // bad gateway: a proxy in front of Sentry lost its upstream
  503, // Relay overloaded ("failed to queue envelope")
  504, // gateway timeout
]);
const DEFAULT_TIMEOUT_MS = 30_000;
const BASE_BACKOFF_MS = 500;

/** Sends one envelope; `extraHeaders` are added to this request only (ORIGIN_HEADER). */
export type Sender = (body: Uint8Array, extraHeaders?: Record<string, string>) => Promise<SendOutcome>;

export function createRetryBudget(retries: number): RetryBudget {
  let left = retries;
  return { take: () => left-- > 0 };
}

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
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return async (body, extraHeaders) => {
    const payload = opts.gzip === false ? body : gzipBytes(body);
    const requestHeaders = extraHeaders ? { ...headers, ...extraHeaders } : headers;
    for (let attempt = 1; ; attempt++) {
      const outcome = await attemptOnce(doFetch, url, { headers: requestHeaders, payload, attempt, timeoutMs });
      const retryable = outcome.status === null || RETRY_STATUS_CODES.has(outcome.status);
      if (outcome.ok || !retryable || attempt >= maxAttempts || (opts.budget && !opts.budget.take())) return outcome;
      await sleep(BASE_BACKOFF_MS * 2 ** (attempt - 1));
    }
  };
}

const NO_LIMITS: RateLimitHeaders = { rateLimits: null, retryAfter: null };

/** One POST, never thrown: a network error (or an abort through `signal`) comes back with status null. */
export async function attemptOnce(
  doFetch: typeof fetch,
  url: string,
  req: { headers: Record<string, string>; payload: Uint8Array; attempt: number; timeoutMs: number; signal?: AbortSignal },
): Promise<SendOutcome> {
  try {
    const timeout = AbortSignal.timeout(req.timeoutMs);
    const res = await doFetch(url, {
      method: 'POST',
      headers: req.headers,
      body: req.payload as Uint8Array<ArrayBuffer>,
      signal: req.signal ? AbortSignal.any([timeout, req.signal]) : timeout,
    });
    const text = (await res.text()).slice(0, 500);
    return {
      status: res.status,
      ok: res.ok,
      detail: text,
      attempts: req.attempt,
      limits: { rateLimits: res.headers.get('x-sentry-rate-limits'), retryAfter: res.headers.get('retry-after') },
      undertakerStore: res.headers.get('x-undertaker-store'),
    };
  } catch (error) {
    return { status: null, ok: false, detail: `network error: ${(error as Error).message}`, attempts: req.attempt, limits: NO_LIMITS, undertakerStore: null };
  }
}

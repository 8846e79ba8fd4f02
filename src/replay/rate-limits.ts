/**
 * Per-destination rate limits as Sentry's SDKs keep them: `X-Sentry-Rate-Limits` (on any status,
 * also 200), else `Retry-After` on a 429, else 60 s for everything on a bare 429. Parsing and
 * category mapping are @sentry/core's own helpers, so Undertaker reads limits exactly as SDKs do.
 * @see https://develop.sentry.dev/sdk/foundations/transport/rate-limiting/
 */
import { type DataCategory, disabledUntil, envelopeItemTypeToDataCategory, type EnvelopeItemType, isRateLimited, type RateLimits, updateRateLimits } from '@sentry/core';

/** The response headers a rate limit can come in. */
export interface RateLimitHeaders {
  rateLimits: string | null;
  retryAfter: string | null;
}

/** What is limited for an envelope right now. */
export interface LimitCheck {
  /** The envelope's data categories that are limited (empty: send it). */
  limited: string[];
  /** Epoch ms when the last of those limits ends (0 when none). */
  until: number;
}

/** The data category Sentry counts an item type in (`event` → `error`, `check_in` → `monitor`, …). */
export function itemCategory(itemType: string): string {
  return envelopeItemTypeToDataCategory(itemType as EnvelopeItemType);
}

/** Rate limits of one destination. An envelope is held whole while any of its categories is limited. */
export class RateLimitState {
  #limits: RateLimits = {};

  /** Reads the limits a response announces (a 2xx can carry them too). */
  update(status: number, headers: RateLimitHeaders, now: number): void {
    this.#limits = updateRateLimits(
      this.#limits,
      { statusCode: status, headers: { 'x-sentry-rate-limits': headers.rateLimits, 'retry-after': headers.retryAfter } },
      now,
    );
  }

  check(itemTypes: readonly string[], now: number): LimitCheck {
    return this.checkCategories(itemTypes.map(itemCategory), now);
  }

  /** As `check`, for data categories already mapped from item types (the forwarding outbox stores those). */
  checkCategories(dataCategories: readonly string[], now: number): LimitCheck {
    const categories = [...new Set(dataCategories)];
    const limited = categories.filter((c) => isRateLimited(this.#limits, c as DataCategory, now));
    return { limited, until: limited.reduce((max, c) => Math.max(max, disabledUntil(this.#limits, c as DataCategory)), 0) };
  }

  /** Active limits (category or `all` → epoch ms), for reports. */
  active(now: number): Record<string, number> {
    return Object.fromEntries(Object.entries(this.#limits).filter(([, until]) => until > now));
  }
}

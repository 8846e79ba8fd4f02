/**
 * Identifier re-minting for replay: one old→new map per run, so ids that were shared
 * (event ↔ attachment, trace ↔ DSC, replay ↔ error) stay shared after the rewrite.
 */

/** Returns `n` random bytes. Injected so rewriting stays pure and tests stay deterministic. */
export type RandomSource = (n: number) => Uint8Array;

/** Mints fresh identifiers in canonical form (lowercase hex, no dashes). */
export interface IdMinter {
  /** 32 hex digits shaped as a UUID v4 (event, trace, replay, profile, chunk, sid, check-in ids). */
  mintUuidHex(): string;
  /** 16 hex digits (span ids). */
  mintSpanId(): string;
}

const HEX32 = /^[0-9a-f]{32}$/i;
const HEX16 = /^[0-9a-f]{16}$/i;
const UUID_DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** All-zero ids are sentinels (e.g. check-in "latest in progress"), never real ids. */
const ZERO_ID = /^[0-]+$/;

/** The default random source: the platform CSPRNG. */
export const cryptoRandom: RandomSource = (n) => crypto.getRandomValues(new Uint8Array(n));

/**
 * A small deterministic PRNG (mulberry32) for reproducible runs and tests.
 * Not cryptographically secure.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const word = next();
      for (let b = 0; b < 4 && i + b < n; b++) out[i + b] = (word >>> (8 * b)) & 0xff;
    }
    return out;
  };
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Creates an id minter over a random source, or over `seededRandom(seed)` when given a number.
 * @see https://develop.sentry.dev/sdk/data-model/envelopes/ (event ids are UUID v4 hex)
 */
export function createIdMinter(random: RandomSource | number = cryptoRandom): IdMinter {
  const source = typeof random === 'number' ? seededRandom(random) : random;
  return {
    mintUuidHex() {
      const bytes = source(16);
      // Version 4 and RFC 4122 variant bits, so the id is a well-formed UUID v4.
      bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
      bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
      return toHex(bytes);
    },
    mintSpanId() {
      return toHex(source(8));
    },
  };
}

/** Inserts dashes into 32 hex digits: 8-4-4-4-12. */
function dash(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Lowercase, dash-free key for an id-shaped string, or null when it is not an id. */
export function normalizeId(value: string): string | null {
  if (ZERO_ID.test(value)) return null;
  if (HEX32.test(value) || HEX16.test(value)) return value.toLowerCase();
  if (UUID_DASHED.test(value)) return value.replaceAll('-', '').toLowerCase();
  return null;
}

/** What a rewrite needs of an id map: map an id (minting on first sight) and look one up. */
export interface IdMapper {
  map(value: string): string;
  map(value: unknown): unknown;
  get(old: string): string | undefined;
}

/**
 * An old→new identifier map kept as a table (inspectable: `entries()`; runs use DerivedIdMap, which
 * holds nothing per id). Keys are normalised (lowercase, no dashes),
 * so `ABC…`, `abc…` and `abc-…` all map to the same new id; the output keeps the input's
 * shape (dashed or not, upper or lower case). 32-hex and UUID ids get 32-hex ids, 16-hex
 * span ids get 16-hex ids. Strings that are not id-shaped, and all-zero ids, pass through.
 */
export class IdMap {
  readonly #minter: IdMinter;
  readonly #map = new Map<string, string>();
  readonly #used = new Set<string>();

  constructor(minter: IdMinter = createIdMinter()) {
    this.#minter = minter;
  }

  /** Maps an id-shaped string to its new id (minting on first sight); other values are returned as is. */
  map(value: string): string;
  map(value: unknown): unknown;
  map(value: unknown): unknown {
    if (typeof value !== 'string') return value;
    const key = normalizeId(value);
    if (key === null) return value;
    return formatLike(this.#lookupOrMint(key), value);
  }

  /** The new id (normalised) for an old id, without minting. */
  get(old: string): string | undefined {
    const key = normalizeId(old);
    return key === null ? undefined : this.#map.get(key);
  }

  /** Every normalised old → new pair minted so far, in minting order. */
  entries(): Array<[string, string]> {
    return [...this.#map.entries()];
  }

  get size(): number {
    return this.#map.size;
  }

  #lookupOrMint(key: string): string {
    const known = this.#map.get(key);
    if (known !== undefined) return known;
    let fresh: string;
    do {
      fresh = key.length === 16 ? this.#minter.mintSpanId() : this.#minter.mintUuidHex();
      // A fresh id must never collide with another new id, an old id, or a zero sentinel.
    } while (this.#used.has(fresh) || this.#map.has(fresh) || fresh === key || ZERO_ID.test(fresh));
    this.#map.set(key, fresh);
    this.#used.add(fresh);
    return fresh;
  }
}

/**
 * A run's id map without a table: each new id is an HMAC-SHA256 of the old one under a key minted
 * once per run (from the seed when given), so ids that were linked stay linked however far apart
 * they are, and a run over millions of envelopes keeps nothing per id. Same shapes as IdMap; two
 * old ids share a new one only by chance (2^-122 for 32-hex ids, 2^-64 for span ids).
 */
export class DerivedIdMap implements IdMapper {
  readonly #key: string;

  constructor(minter: IdMinter = createIdMinter()) {
    this.#key = minter.mintUuidHex() + minter.mintUuidHex();
  }

  map(value: string): string;
  map(value: unknown): unknown;
  map(value: unknown): unknown {
    if (typeof value !== 'string') return value;
    const key = normalizeId(value);
    return key === null ? value : formatLike(this.#derive(key), value);
  }

  get(old: string): string | undefined {
    const key = normalizeId(old);
    return key === null ? undefined : this.#derive(key);
  }

  #derive(key: string): string {
    const digest = new Bun.CryptoHasher('sha256', this.#key).update(key).digest('hex');
    if (key.length === 16) return digest.slice(0, 16);
    // Version 4 and RFC 4122 variant bits, as minted ids have.
    const variant = ((Number.parseInt(digest[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${digest.slice(0, 12)}4${digest.slice(13, 16)}${variant}${digest.slice(17, 32)}`;
  }

}

/** Writes a canonical new id in the shape of `template` (dashes, upper case). */
function formatLike(fresh: string, template: string): string {
  const shaped = template.includes('-') ? dash(fresh) : fresh;
  const upper = /[A-F]/.test(template) && !/[a-f]/.test(template);
  return upper ? shaped.toUpperCase() : shaped;
}

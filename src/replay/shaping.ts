/**
 * Shaping overrides applied while rewriting: release (fixed or calver), environment, tags
 * (including the replay marker tag) and user rotation, on every item type that carries them.
 */
import type { JsonObject } from '../envelope/types.ts';
import { fakeUserFor, userIdentity } from './users.ts';

export interface Shaping {
  /** A fixed release, or `calver` for the run's `YY.M.W`. */
  release?: string;
  environment?: string;
  /** Tags added to events, transactions, feedback and replays (later pairs win). */
  tags: Array<[string, string]>;
  rotateUsers: boolean;
}

/** The marker tag key; its value is the run id, so `has:undertaker.run` finds all replayed data. */
export const MARKER_TAG = 'undertaker.run';

/** The rewriter calls these on each JSON item payload and on the envelope header. */
export interface Shaper {
  /** Edits the payload in place; true when something changed. */
  item(type: string, payload: unknown): boolean;
  header(header: JsonObject): void;
}

/**
 * Calendar version of a date (UTC): `YY.M.W`, two-digit year, month 1–12 and week of the month
 * 1–5 (days 1–7 are week 1, 8–14 week 2, …, 29–31 week 5). 2026-12-03 → `26.12.1`.
 */
export function calver(date: Date): string {
  const yy = String(date.getUTCFullYear() % 100).padStart(2, '0');
  return `${yy}.${date.getUTCMonth() + 1}.${Math.floor((date.getUTCDate() - 1) / 7) + 1}`;
}

/** A shaper for the run, or undefined when there is nothing to override. */
export function createShaper(shaping: Shaping, runStart: Date): Shaper | undefined {
  if (shaping.release === undefined && shaping.environment === undefined && !shaping.tags.length && !shaping.rotateUsers) return undefined;
  const version = calver(runStart);
  // calver keeps a `package@` prefix so releases of different apps stay apart: app@1.2 → app@26.12.1.
  const release = (old: unknown) =>
    shaping.release !== 'calver' ? shaping.release : typeof old === 'string' && old.includes('@') ? `${old.slice(0, old.indexOf('@'))}@${version}` : version;
  const setScope = (holder: JsonObject, onlyIfPresent: boolean) => {
    let changed = false;
    if (shaping.release !== undefined && (!onlyIfPresent || 'release' in holder)) changed = set(holder, 'release', release(holder.release)) || changed;
    if (shaping.environment !== undefined && (!onlyIfPresent || 'environment' in holder)) changed = set(holder, 'environment', shaping.environment) || changed;
    return changed;
  };
  const shapeEvent = (event: JsonObject) => {
    let changed = setScope(event, false);
    if (shaping.tags.length) changed = addTags(event, shaping.tags) || changed;
    if (shaping.rotateUsers && isObject(event.user)) changed = rotateUser(event.user) || changed;
    return changed;
  };
  return {
    item(type, payload) {
      if (!isObject(payload)) return false;
      switch (type) {
        case 'event':
        case 'transaction':
        case 'feedback':
        case 'replay_event':
          return shapeEvent(payload);
        case 'session':
        case 'sessions':
          return shapeSession(payload, setScope, shaping);
        case 'check_in':
        case 'profile':
          return setScope(payload, false);
        case 'log':
        case 'span':
          return shapeAttributes(payload, shaping, release);
        default:
          return false;
      }
    },
    header(header) {
      if (isObject(header.trace)) setScope(header.trace, true);
    },
  };
}

// --- internal ---

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function set(holder: JsonObject, key: string, value: unknown): boolean {
  if (holder[key] === value) return false;
  holder[key] = value;
  return true;
}

/** Event tags are an object or a list of `[key, value]` pairs; both are accepted by Sentry. */
function addTags(event: JsonObject, tags: Array<[string, string]>): boolean {
  if (Array.isArray(event.tags)) {
    const kept = event.tags.filter((pair) => !(Array.isArray(pair) && tags.some(([k]) => k === pair[0])));
    event.tags = [...kept, ...tags.map(([k, v]) => [k, v])];
    return true;
  }
  event.tags = { ...(isObject(event.tags) ? event.tags : {}), ...Object.fromEntries(tags) };
  return true;
}

function rotateUser(user: JsonObject): boolean {
  const identity = userIdentity(user);
  if (identity === null) return false;
  const fake = fakeUserFor(identity);
  user.id = fake.id;
  user.username = fake.username;
  user.email = fake.email;
  return true;
}

function shapeSession(payload: JsonObject, setScope: (h: JsonObject, onlyIfPresent: boolean) => boolean, shaping: Shaping): boolean {
  let changed = false;
  if (shaping.release !== undefined || shaping.environment !== undefined) {
    if (!isObject(payload.attrs)) payload.attrs = {};
    changed = setScope(payload.attrs as JsonObject, false);
  }
  if (shaping.rotateUsers && (typeof payload.did === 'string' || typeof payload.did === 'number') && payload.did !== '') {
    changed = set(payload, 'did', fakeUserFor(String(payload.did)).id) || changed;
  }
  return changed;
}

/** Log and span v2 containers carry release/environment as `sentry.*` attributes: changed where present. */
function shapeAttributes(payload: JsonObject, shaping: Shaping, release: (old: unknown) => string | undefined): boolean {
  let changed = false;
  const items = Array.isArray(payload.items) ? payload.items : [payload];
  for (const item of items) {
    const attributes = isObject(item) && isObject(item.attributes) ? item.attributes : null;
    if (!attributes) continue;
    const rel = attributes['sentry.release'];
    if (shaping.release !== undefined && isObject(rel)) changed = set(rel, 'value', release(rel.value)) || changed;
    const env = attributes['sentry.environment'];
    if (shaping.environment !== undefined && isObject(env)) changed = set(env, 'value', shaping.environment) || changed;
  }
  return changed;
}

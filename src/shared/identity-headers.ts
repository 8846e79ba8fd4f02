/** The HTTP headers by which Undertakers recognise each other (see replay/guard.ts). */

/** Response header of every Undertaker: its version. */
export const VERSION_HEADER = 'x-undertaker';
/** Response header of every Undertaker: the id of the database it stores into (Store.storeId). */
export const STORE_HEADER = 'x-undertaker-store';
/**
 * Request header of Undertaker's own replays and forwards: the ids of the stores the data came
 * through, its own last. An Undertaker whose store is among them refuses the request before storing
 * anything, so a loop stops at once: through a name or port the address checks cannot see (a proxy,
 * a host alias), or through other Undertakers (A forwards to B, B to A).
 */
export const ORIGIN_HEADER = 'x-undertaker-origin';

/** At most this many store ids travel in ORIGIN_HEADER (the newest hops). */
const MAX_ORIGIN_HOPS = 16;

/** The store ids named by an ORIGIN_HEADER value (comma separated, the way through so far). */
export function originIds(value: string | null | undefined): string[] {
  return (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);
}

/** ORIGIN_HEADER for a request from store `own` of a capture that came through `chain` (its stored header), or null. */
export function originHeaderValue(chain: string | null | undefined, own: string | undefined): string | null {
  if (!own) return null;
  const ids = [...originIds(chain).filter((id) => id !== own), own];
  return ids.slice(-MAX_ORIGIN_HOPS).join(', ');
}

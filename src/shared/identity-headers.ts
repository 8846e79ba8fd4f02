/** The HTTP headers by which Undertakers recognise each other (see replay/guard.ts). */

/** Response header of every Undertaker: its version. */
export const VERSION_HEADER = 'x-undertaker';
/** Response header of every Undertaker: the fingerprint of the store it writes into. */
export const STORE_HEADER = 'x-undertaker-store';
/**
 * Request header of Undertaker's own replays and forwards: the fingerprint of the store they come
 * from. An Undertaker that stores into that same store refuses the request before storing anything,
 * so a loop through a name or port the address checks cannot see (a proxy, a host alias) stops at once.
 */
export const ORIGIN_HEADER = 'x-undertaker-origin';

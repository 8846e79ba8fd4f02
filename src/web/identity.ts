/**
 * Identity headers on every response (health, capture, admin): `x-undertaker: <version>` and
 * `x-undertaker-store: <store fingerprint>`, so a replay can refuse to send into the very store it
 * reads (replay/guard.ts) while another Undertaker stays a valid destination.
 */
import { Elysia } from 'elysia';
import { STORE_HEADER, VERSION_HEADER } from '../shared/identity-headers.ts';
import { VERSION } from '../shared/version.ts';

export function createIdentityHeaders(storeFingerprint: string | undefined) {
  return new Elysia({ name: 'identity-headers' }).onRequest(({ set }) => {
    set.headers[VERSION_HEADER] = VERSION;
    if (storeFingerprint) set.headers[STORE_HEADER] = storeFingerprint;
  });
}

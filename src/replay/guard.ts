/**
 * Refuses to replay into Undertaker's own capture address: the data would be captured into the
 * same store and replayed again on the next run, doubling every time. Another Undertaker (a
 * different store) is a fine destination; only a server writing into the store being read is not.
 * Before sending: the destination's host (resolved) and port against the listen addresses of the
 * servers on this store (in-process, or from store/presence.ts). While sending: an ingest response
 * whose `x-undertaker-store` names this store (a proxy or port forward in between) stops the run.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { type Dsn, dsnToString } from '../envelope/dsn.ts';
import { ConfigError } from '../shared/errors.ts';

export { ORIGIN_HEADER, STORE_HEADER, VERSION_HEADER } from '../shared/identity-headers.ts';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface GuardOptions {
  /** The id of the store this run reads (Store.storeId). */
  storeFingerprint: string;
  /** Listen addresses of the capture servers writing into the store this run reads. */
  ownAddresses?: ListenAddress[];
  /** Host name → IP addresses; injected by tests. */
  resolve?: (host: string) => Promise<string[]>;
}

const WILDCARD = new Set(['0.0.0.0', '::']);

/** The message for a refused destination. */
export function selfReplayMessage(dsn: Dsn, why: string): string {
  return `refusing to replay into ${dsnToString(dsn)}: ${why}, so replayed data would be captured again and replayed on every run; pass --force (API: "force": true) to do it anyway`;
}

/** Throws ConfigError when a destination is one of the own listen addresses (host names resolved). */
export async function assertNotOwnCapture(destinations: readonly Dsn[], opts: GuardOptions): Promise<void> {
  for (const dsn of destinations) {
    const own = await ownCaptureOf(dsn, opts.ownAddresses ?? [], opts.resolve);
    if (own) throw new ConfigError(selfReplayMessage(dsn, ownAddressReason(own)));
  }
}

/** The listen address `dsn` reaches on this machine (host names resolved), or null. */
export async function ownCaptureOf(dsn: Dsn, ownAddresses: readonly ListenAddress[], resolve: (host: string) => Promise<string[]> = resolveHost): Promise<ListenAddress | null> {
  for (const own of ownAddresses) {
    if (portOf(dsn) === own.port && (ownAddressOf(dsn, [own]) || (await sameMachineAddress(dsn.host, own.host, resolve)))) return own;
  }
  return null;
}

/** The synchronous part (no name resolution), for refusing an API request before it is recorded. */
export function assertNotOwnAddress(destinations: readonly Dsn[], ownAddresses: readonly ListenAddress[]): void {
  for (const dsn of destinations) {
    const own = ownAddressOf(dsn, ownAddresses);
    if (own) throw new ConfigError(selfReplayMessage(dsn, ownAddressReason(own)));
  }
}

/** The listen address `dsn` reaches (by address: loopback, wildcard, same host), or null. */
export function ownAddressOf(dsn: Dsn, ownAddresses: readonly ListenAddress[]): ListenAddress | null {
  for (const own of ownAddresses) {
    const [a, b] = [bare(dsn.host), bare(own.host)];
    if (portOf(dsn) === own.port && (a === b || (isLoopback(a) && (isLoopback(b) || WILDCARD.has(b))))) return own;
  }
  return null;
}

// --- internal ---

function ownAddressReason(own: ListenAddress): string {
  return `it is the capture address ${own.host}:${own.port} of the Undertaker writing into the database this replay reads`;
}

function portOf(dsn: Dsn): number {
  return dsn.port ?? (dsn.protocol === 'https' ? 443 : 80);
}

/** A host as compared here: no brackets, lower case, no trailing root dot, IPv4-mapped IPv6 as IPv4. */
function bare(host: string): string {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (dotted) return dotted[1]!;
  // The URL parser writes [::ffff:127.0.0.1] as [::ffff:7f00:1].
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (!hex) return h;
  const [a, b] = [Number.parseInt(hex[1]!, 16), Number.parseInt(hex[2]!, 16)];
  return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
}

/** Loopback, or a wildcard address (connecting to 0.0.0.0 or :: reaches this machine). */
function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\./.test(address) || WILDCARD.has(address);
}

async function resolveHost(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return [];
  }
}

/** True when `destHost` reaches the socket bound to `ownHost` on this machine. */
async function sameMachineAddress(destHost: string, ownHost: string, resolve: (host: string) => Promise<string[]>): Promise<boolean> {
  const dest = bare(destHost);
  const own = bare(ownHost);
  if (dest === own) return true;
  const ips = async (host: string) => (isIP(host) ? [host] : host === 'localhost' ? ['127.0.0.1', '::1'] : await resolve(host));
  const destIps = await ips(dest);
  if (WILDCARD.has(own)) {
    // Bound to every interface: any loopback or local interface address reaches it.
    const local = new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address.toLowerCase())));
    return destIps.some((ip) => isLoopback(ip) || local.has(ip.toLowerCase()));
  }
  const ownIps = await ips(own);
  return destIps.some((ip) => ownIps.includes(ip) || (isLoopback(ip) && ownIps.some(isLoopback)));
}

/**
 * The outbox delivery lease: only the `serve` holding it forwards, so two processes on one database
 * (or a new one started while the old one still drains) never send a row twice. The holder renews
 * it while it works, for longer than one upstream request can take; a holder that stopped gives it
 * up; one that died on this machine is taken over at once, one elsewhere when the lease expires.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../replay/pacing.ts';
import type { Logger } from '../shared/logger.ts';
import type { Store } from '../store/types.ts';

export interface LeaseKeeper {
  /** True while this process may deliver; renews the lease when it is running low. */
  hold(): Promise<boolean>;
  release(): Promise<void>;
}

export interface LeaseOptions {
  store: Pick<Store, 'outboxLease' | 'claimOutbox' | 'releaseOutbox'>;
  clock: Clock;
  logger: Logger;
  /** Lease length; must exceed one delivery attempt (the request timeout). */
  ttlMs: number;
  /** Renew when less than this is left (at least one request timeout). */
  renewBelowMs: number;
  owner?: string;
  /** Whether the holder named `owner` still runs; default: its pid on this host, else assumed alive. */
  holderAlive?: (owner: string) => boolean;
}

/** `<host>:<pid>:<random>`: unique per process start, and tells which process holds the lease. */
export function leaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** True unless the owner names a process of this host that no longer exists. */
export function processAlive(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function createLeaseKeeper(opts: LeaseOptions): LeaseKeeper {
  const owner = opts.owner ?? leaseOwner();
  const alive = opts.holderAlive ?? processAlive;
  let heldUntil = 0;
  let waitingFor: string | null = null;
  return {
    async hold() {
      const now = opts.clock.now();
      if (heldUntil - now > opts.renewBelowMs) return true;
      const current = await opts.store.outboxLease();
      let replacing: string | undefined;
      if (current && current.owner !== owner && current.expiresAt > now) {
        if (alive(current.owner)) {
          if (waitingFor !== current.owner) opts.logger.warn(`outbox: another Undertaker (${current.owner}) delivers this database's outbox; this one waits until it stops`);
          waitingFor = current.owner;
          heldUntil = 0;
          return false;
        }
        replacing = current.owner;
      }
      const granted = await opts.store.claimOutbox({ owner, now, expiresAt: now + opts.ttlMs, replacing });
      heldUntil = granted ? now + opts.ttlMs : 0;
      if (granted && waitingFor !== null) {
        opts.logger.info(`outbox: ${waitingFor} stopped delivering; this process (${owner}) takes over`);
        waitingFor = null;
      }
      return granted;
    },
    async release() {
      heldUntil = 0;
      await opts.store.releaseOutbox(owner);
    },
  };
}

/**
 * A stable pool of 100 fake users for `--rotate-users`. The same original user (by id, else
 * email, username or IP) always becomes the same fake user, in every run and every process.
 */
const FIRST = ['ada', 'alan', 'grace', 'linus', 'margaret', 'dennis', 'barbara', 'ken', 'radia', 'edsger'];
const LAST = ['lovelace', 'turing', 'hopper', 'torvalds', 'hamilton', 'ritchie', 'liskov', 'thompson', 'perlman', 'dijkstra'];
export const USER_POOL_SIZE = FIRST.length * LAST.length;

export interface FakeUser {
  id: string;
  username: string;
  email: string;
}

/** The pool user at `index` (0 ≤ index < USER_POOL_SIZE). */
export function poolUser(index: number): FakeUser {
  const first = FIRST[index % FIRST.length]!;
  const last = LAST[Math.floor(index / FIRST.length) % LAST.length]!;
  const username = `${first}.${last}`;
  return { id: `demo-user-${String(index + 1).padStart(3, '0')}`, username, email: `${username}@example.com` };
}

/** The fake user standing in for an original identity (FNV-1a hash, so it is stable everywhere). */
export function fakeUserFor(identity: string): FakeUser {
  let hash = 0x811c9dc5;
  for (let i = 0; i < identity.length; i++) {
    hash ^= identity.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return poolUser(hash % USER_POOL_SIZE);
}

/** The identity of a Sentry `user` object: id, else email, username or a literal IP address. */
export function userIdentity(user: Record<string, unknown>): string | null {
  for (const key of ['id', 'email', 'username', 'ip_address']) {
    const value = user[key];
    if ((typeof value === 'string' && value !== '' && value !== '{{auto}}') || typeof value === 'number') return String(value);
  }
  return null;
}

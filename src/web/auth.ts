/**
 * Admin access to the page and the JSON API: with a token set, every admin route needs
 * `Authorization: Bearer <token>` or the login cookie. Capture routes never pass through here.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Elysia, t } from 'elysia';
import { AuthError } from '../shared/errors.ts';
import { renderLogin } from './ui/login.tsx';
import { htmlPage } from './ui/respond.ts';

export const SESSION_COOKIE = 'undertaker_admin';
export const MIN_TOKEN_LENGTH = 16;

/** True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/** A random token for an exposed server started without one (printed once at startup). */
export function generateAdminToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The guard: scoped hooks, so they cover the instance that uses them (the admin routes) and
 * nothing above it. The verdict is reached at transform, before body and query validation, and
 * again on any error (a body that fails to parse), so a refused caller only learns 401 or 403.
 */
export function createAdminGuard(token: string | undefined) {
  const judge = createJudge(token);
  return new Elysia({ name: 'admin-guard' })
    .onTransform({ as: 'scoped' }, ({ request }) => {
      const refusal = judge(request);
      if (refusal) throw new AuthError(refusal.message, refusal.status);
    })
    .onError({ as: 'scoped' }, ({ request }) => {
      const refusal = judge(request);
      return refusal ? refuse(request, refusal) : undefined;
    });
}

/** `/login` (a one-field form that sets the cookie) and `/logout`; public by design. */
export function createLoginRoutes(token: string | undefined) {
  const app = new Elysia({ name: 'admin-login' });
  if (!token) return app.get('/login', () => new Response(null, { status: 303, headers: { location: '/' } }), { detail: { hide: true } });
  const session = sessionValue(token);
  const matches = (given: string) => safeEqual(given, token);
  return app
    .get('/login', ({ query }) => htmlPage(renderLogin({ next: safeNext(query.next) })), { query: t.Object({ next: t.Optional(t.String()) }), detail: { hide: true } })
    .post(
      '/login',
      ({ body }) => {
        if (!matches(body.token)) return htmlPage(renderLogin({ next: safeNext(body.next), failed: true }), 401);
        // Lax: links from elsewhere still open the page, but other sites cannot send a POST, a DELETE or a
        // script request with the cookie, so deletes and replays (never GETs) are safe from CSRF.
        const cookie = `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000`;
        return new Response(null, { status: 303, headers: { location: safeNext(body.next), 'set-cookie': cookie } });
      },
      { body: t.Object({ token: t.String(), next: t.Optional(t.String()) }), detail: { hide: true } },
    )
    .post('/logout', () => new Response(null, { status: 303, headers: { location: '/login', 'set-cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` } }), {
      detail: { hide: true },
    });
}

// --- internal ---

interface Refusal {
  status: 401 | 403;
  message: string;
}

/**
 * Who may use an admin route. Writes (POST, DELETE) from a browser must come from this page's own
 * origin, or any site the user visits could start a replay through a loopback server. Without a
 * token the Host must be a loopback name too, so a DNS name rebound to 127.0.0.1 gets nothing.
 */
function createJudge(token: string | undefined): (request: Request) => Refusal | null {
  const check = token ? tokenChecker(token) : null;
  return (request) => {
    const host = request.headers.get('host') ?? new URL(request.url).host;
    const origin = request.headers.get('origin');
    if (request.method !== 'GET' && request.method !== 'HEAD' && origin !== null && hostOf(origin) !== host) {
      return { status: 403, message: `cross-site request from ${origin} refused; use this server's own page` };
    }
    if (!check) {
      return isLoopbackHost(host.replace(/:\d+$/, '')) ? null : { status: 403, message: `without an admin token this page answers only on a loopback address, not ${host}; open it via 127.0.0.1, or start serve with --admin-token` };
    }
    return check(request) ? null : { status: 401, message: 'admin token required: send `Authorization: Bearer <token>` or log in at /login' };
  };
}

/** Pages go to the login form; the API and /openapi answer with JSON (401 with a bearer challenge). */
function refuse(request: Request, refusal: Refusal): Response {
  const url = new URL(request.url);
  const isPage = !url.pathname.startsWith('/api/') && url.pathname !== '/openapi';
  if (refusal.status === 401 && request.method === 'GET' && isPage) {
    return new Response(null, { status: 303, headers: { location: `/login?next=${encodeURIComponent(url.pathname + url.search)}` } });
  }
  const headers: Record<string, string> = refusal.status === 401 ? { 'www-authenticate': 'Bearer realm="undertaker"' } : {};
  return Response.json({ error: { code: 'auth', message: refusal.message } }, { status: refusal.status, headers });
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** The cookie holds a hash of the token, so a leaked cookie jar does not print the token itself. */
function sessionValue(token: string): string {
  return createHash('sha256').update(`undertaker-admin-session:${token}`).digest('base64url');
}

function tokenChecker(token: string): (request: Request) => boolean {
  const session = sessionValue(token);
  return (request) => {
    const auth = request.headers.get('authorization');
    const bearer = auth && /^Bearer\s+(.+)$/i.exec(auth.trim())?.[1];
    if (bearer) return safeEqual(bearer, token);
    const cookie = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
    return cookie !== null && safeEqual(cookie, session);
  };
}

function readCookie(header: string | null, name: string): string | null {
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

/** Compares hashes so neither length nor content leaks through timing. */
function safeEqual(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/** Only same-site paths: `//host` or a scheme would turn the login form into an open redirect. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : '/';
}

// Access control: with an admin token the page, API and OpenAPI document need it (bearer header or
// login cookie); capture routes and /health never do. Without a token everything is open (loopback).
import { afterEach, describe, expect, it } from 'bun:test';
import { describeAdminAccess, resolveAdminToken } from '../../src/cli/admin-token.ts';
import { isLoopbackHost } from '../../src/web/auth.ts';
import { createWebApp, errorEvent, KEY, TOKEN, type WebApp } from './web-app.ts';

let app: WebApp;
afterEach(async () => {
  expect(app.errors).toEqual([]);
  await app.store.close();
});

const envelope = `{"event_id":"${'2'.repeat(32)}"}\n{"type":"event"}\n${JSON.stringify(errorEvent())}\n`;

describe('with an admin token', () => {
  it('answers 401 to the API and /openapi without it, 200 with the bearer token', async () => {
    app = await createWebApp({ adminToken: TOKEN });
    for (const path of ['/api/events', '/api/events/1', '/api/stats', '/api/replays', '/openapi']) {
      const res = await app.request(path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="undertaker"');
      expect((await res.json()).error.code).toBe('auth');
    }
    expect((await app.request('/api/events', { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{"ids":[1]}' })).status).toBe(401);
    expect((await app.request('/api/replays', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"dsn":"http://k@127.0.0.1:1/1"}' })).status).toBe(401);
    expect((await app.request('/api/events', { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    // Checked before validation: a malformed request learns nothing but 401 either.
    expect((await app.request('/api/events?limit=0')).status).toBe(401);
    expect((await app.request('/api/replays', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' })).status).toBe(401);
    expect((await app.request('/api/events?limit=0', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(400);
    const ok = await app.request('/api/events', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ events: [], next_cursor: null });
  });

  it('still captures with SDK keys only, and /health stays open', async () => {
    app = await createWebApp({ adminToken: TOKEN });
    const res = await app.request(`/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', body: envelope });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: '2'.repeat(32) });
    expect((await app.request('/health')).status).toBe(200);
    expect((await app.store.listEnvelopes({})).length).toBe(1);
  });

  it('sends the page to the login form, and the form sets a cookie that opens page and API', async () => {
    app = await createWebApp({ adminToken: TOKEN });
    const page = await app.request('/events/1?view=raw');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fevents%2F1%3Fview%3Draw');
    const form = await app.request('/login?next=%2Fstats');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('<input type="hidden" name="next" value="/stats"/>');

    const wrong = await app.request('/login', { method: 'POST', body: new URLSearchParams({ token: 'nope', next: '/stats' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('That token is not right.');

    const right = await app.request('/login', { method: 'POST', body: new URLSearchParams({ token: TOKEN, next: '/stats' }) });
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/stats');
    const cookie = right.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^undertaker_admin=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=2592000$/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;
    expect((await app.request('/stats', { headers: { cookie: session } })).status).toBe(200);
    expect((await app.request('/api/stats', { headers: { cookie: `other=1; ${session}` } })).status).toBe(200);
    expect((await app.request('/api/stats', { headers: { cookie: 'undertaker_admin=forged' } })).status).toBe(401);

    const out = await app.request('/logout', { method: 'POST', headers: { cookie: session } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toBe('undertaker_admin=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
  });

  it('never redirects the login form off this site', async () => {
    app = await createWebApp({ adminToken: TOKEN });
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const res = await app.request('/login', { method: 'POST', body: new URLSearchParams({ token: TOKEN, next }) });
      expect(res.headers.get('location')).toBe('/');
    }
  });
});

describe('without an admin token', () => {
  it('serves the API and page to anyone, and /login goes to the page', async () => {
    app = await createWebApp();
    expect((await app.request('/api/events')).status).toBe(200);
    expect((await app.request('/')).status).toBe(200);
    const login = await app.request('/login');
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/');
  });
});

describe('cross-site and rebinding guards', () => {
  it('refuses browser writes from another origin, with or without a token', async () => {
    for (const adminToken of [undefined, TOKEN]) {
      app = await createWebApp({ adminToken });
      const auth: Record<string, string> = adminToken ? { authorization: `Bearer ${adminToken}` } : {};
      const id = await app.capture(errorEvent());
      const evil = { ...auth, origin: 'http://evil.example', 'content-type': 'application/json' };
      const replay = await app.request('/api/replays', { method: 'POST', headers: evil, body: '{"dsn":"http://0123456789abcdef0123456789abcdef@127.0.0.1:9/1"}' });
      expect(replay.status).toBe(403);
      expect((await replay.json()).error.message).toBe('cross-site request from http://evil.example refused; use this server\'s own page');
      expect((await app.request(`/api/events/${id}`, { method: 'DELETE', headers: evil })).status).toBe(403);
      expect((await app.store.listReplayRuns()).length).toBe(0);
      const own = await app.request(`/api/events/${id}`, { method: 'DELETE', headers: { ...auth, origin: 'http://127.0.0.1' } });
      expect(own.status).toBe(200);
      await app.store.close();
    }
    app = await createWebApp();
  });

  it('answers only on a loopback Host when there is no token (a DNS name rebound to 127.0.0.1 gets 403)', async () => {
    app = await createWebApp();
    const rebound = await app.request('/api/events', { headers: { host: 'evil.example:3001' } });
    expect(rebound.status).toBe(403);
    expect((await rebound.json()).error.message).toStartWith('without an admin token this page answers only on a loopback address, not evil.example:3001');
    expect((await app.request('/', { headers: { host: 'evil.example' } })).status).toBe(403);
    for (const host of ['localhost:3001', '127.0.0.1:3001', '[::1]:3001']) expect((await app.request('/api/events', { headers: { host } })).status).toBe(200);
    // Capture does not care which name the SDK used.
    expect((await app.request(`/api/1/envelope/?sentry_key=${KEY}`, { method: 'POST', headers: { host: 'sentry.internal' }, body: envelope })).status).toBe(200);
  });
});

describe('serve --admin-token', () => {
  it('needs no token on loopback, generates one on other addresses, and refuses short ones', () => {
    expect(resolveAdminToken('127.0.0.1', undefined)).toEqual({ token: undefined, generated: false });
    expect(resolveAdminToken('::1', undefined)).toEqual({ token: undefined, generated: false });
    expect(resolveAdminToken('127.0.0.1', TOKEN)).toEqual({ token: TOKEN, generated: false });
    expect(resolveAdminToken('0.0.0.0', TOKEN)).toEqual({ token: TOKEN, generated: false });
    const generated = resolveAdminToken('0.0.0.0', undefined);
    expect(generated.generated).toBe(true);
    expect(generated.token).toMatch(/^[\w-]{32}$/);
    expect(resolveAdminToken('0.0.0.0', undefined).token).not.toBe(generated.token);
    expect(() => resolveAdminToken('0.0.0.0', 'short')).toThrow('--admin-token must be at least 16 characters');
    expect(describeAdminAccess(generated, 'http://0.0.0.0:3001')).toContain(`admin token (generated, valid until this process stops): ${generated.token}\n`);
  });

  it('tells loopback addresses from the others', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'].map(isLoopbackHost)).toEqual([true, true, true, true, true, true]);
    expect(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1'].map(isLoopbackHost)).toEqual([false, false, false, false, false, false]);
  });
});

// Access control on a real `undertaker serve` (source or binary): bound beyond loopback it needs an
// admin token (generated and printed when none is given), capture keeps using SDK keys only, and
// the login form in Chromium opens the page. Requests go to 127.0.0.1 even when bound to 0.0.0.0.
import { afterAll, describe, expect, it } from 'bun:test';
import { runUndertaker, startServer, stopAll, TEST_KEY } from '../helpers/spawn.ts';
import { browserProblem, launchChromium, offlineContext, screenshot } from './web-browser.ts';

const TOKEN = 'e2e-admin-token-0123456789abcdef';
const ENVELOPE = `{"event_id":"${'4'.repeat(32)}"}\n{"type":"event"}\n{"message":"from an SDK","platform":"python","level":"error"}\n`;

afterAll(stopAll);

describe('serve beyond loopback', () => {
  it('generates an admin token, prints it once, and requires it for the API but not for capture', async () => {
    const server = await startServer({ args: ['--host', '0.0.0.0'], env: { UNDERTAKER_ADMIN_TOKEN: '' } });
    const local = `http://127.0.0.1:${server.port}`;
    const token = /admin token \(generated, valid until this process stops\): (\S+)/.exec(server.logs())?.[1];
    expect(token).toMatch(/^[\w-]{32}$/);
    const denied = await fetch(`${local}/api/events`);
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('auth');
    const page = await fetch(`${local}/`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2F');

    const captured = await fetch(`${local}/api/1/envelope/?sentry_key=${TEST_KEY}`, { method: 'POST', body: ENVELOPE });
    expect(captured.status).toBe(200);
    const listed = await fetch(`${local}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { events: { title: string }[] }).events.map((e) => e.title)).toEqual(['from an SDK']);
    await server.stop();
  }, 60_000);

  it('refuses an admin token shorter than 16 characters with a usage error', async () => {
    const run = await runUndertaker(['serve', '--host', '0.0.0.0', '--port', '0', '--admin-token', 'short', '--db', ':memory:']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: --admin-token must be at least 16 characters (try `openssl rand -hex 16`)\n');
    expect(run.stdout).toBe('');
  }, 60_000);
});

describe.skipIf(browserProblem() !== null)('the login form in Chromium', () => {
  it('sends the page to /login and opens it with the right token', async () => {
    const server = await startServer({ args: ['--admin-token', TOKEN] });
    const browser = await launchChromium();
    try {
      const { context, external, failed } = await offlineContext(browser);
      const page = await context.newPage();
      await page.goto(`${server.url}/stats`);
      await page.waitForURL(/\/login\?next=%2Fstats$/);
      await page.locator('input[name="token"]').fill('not-the-token-at-all');
      await page.locator('button[type="submit"]').click();
      await page.getByText('That token is not right.').waitFor();
      // The text can be there before the style sheet is: wait for the page's own load to finish.
      await page.waitForLoadState('load');
      expect(await page.evaluate(() => getComputedStyle(document.body).display)).toBe('flex');
      await screenshot(page, 'web-login');
      await page.locator('input[name="token"]').fill(TOKEN);
      await page.locator('button[type="submit"]').click();
      await page.waitForURL(`${server.url}/stats`);
      expect(await page.locator('h1').textContent()).toBe('Stats');
      // The cookie also opens the API for the page's own requests.
      expect(await page.evaluate(async () => (await fetch('/api/stats')).status)).toBe(200);
      expect(external).toEqual([]);
      // Only the wrong token failed; the login form's own style sheet and icon load without the cookie.
      expect(failed).toEqual([`401 ${server.url}/login`]);
    } finally {
      await browser.close();
      await server.stop();
    }
  }, 60_000);
});

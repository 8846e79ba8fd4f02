// The web page in Debian's Chromium against a real `undertaker serve` (from source, or the compiled
// binary with UNDERTAKER_BIN): events from the real Python SDK appear live, read like Sentry's, and
// replay from the page into a second Undertaker. Every request to anything but 127.0.0.1 is blocked
// and recorded, so the test also proves the page needs no network. Screenshots go to tests/artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { runSdkScenario, type ScenarioResult, sdkInstallProblem } from '../helpers/sdk.ts';
import { type ServerHandle, startServer, stopAll } from '../helpers/spawn.ts';
import { browserProblem, launchChromium, offlineContext, screenshot } from './web-browser.ts';

const DEST_KEY = 'fedcba9876543210fedcba9876543210';
const problem = browserProblem() ?? sdkInstallProblem('python');
if (problem && process.env.UNDERTAKER_REQUIRE_SDKS) throw new Error(`the web page test is required but cannot run: ${problem}`);


describe.skipIf(problem !== null)('the web page in Chromium', () => {
  let capture: ServerHandle;
  let destination: ServerHandle;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let external: string[];
  let failed: string[];
  const pageErrors: string[] = [];
  let sent: ScenarioResult;

  beforeAll(async () => {
    [capture, destination, browser] = await Promise.all([startServer(), startServer(), launchChromium()]);
    ({ context, external, failed } = await offlineContext(browser));
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await stopAll();
  });

  it('shows an event from the Python SDK in the list without a reload', async () => {
    await page.goto(`${capture.url}/`);
    await page.getByText('Nothing captured yet').waitFor();
    // A reload would drop this marker.
    await page.evaluate(() => Object.assign(window, { keptAcrossPolls: true }));
    sent = await runSdkScenario('python', 'error', capture.dsn(1));
    const row = page.locator('#event-rows tr', { hasText: 'ValueError: harness boom' });
    await row.waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { keptAcrossPolls?: boolean }).keptAcrossPolls)).toBe(true);
    expect(await row.locator('td').nth(2).textContent()).toBe('python');
    expect(await row.locator('.mono').textContent()).toBe(sent.error_event_id!.slice(0, 8));
    // A transaction too, for the span view and the stats.
    await runSdkScenario('python', 'transaction', capture.dsn(1));
    await page.locator('#event-rows tr', { hasText: 'job' }).first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    await screenshot(page, 'web-events');
  }, 90_000);

  it('opens the event: exception type, top frame, breadcrumbs, and the raw JSON one click away', async () => {
    await page.locator('#event-rows a.title', { hasText: 'ValueError: harness boom' }).last().click();
    await page.waitForURL(/\/events\/\d+$/);
    expect(await page.locator('h1').textContent()).toBe('ValueError: harness boom');
    expect(await page.locator('.exc-type').first().textContent()).toBe('ValueError');
    const top = page.locator('.frame').first();
    expect(await top.getAttribute('open')).toBe('');
    expect(await top.locator('.file').textContent()).toBe('scenario.py');
    expect(await top.locator('.fn').textContent()).toBe('fail');
    expect(await top.locator('li.current code').textContent()).toBe('    raise ValueError(message)');
    const crumbs = page.locator('#breadcrumbs tbody tr, #breadcrumbs table tr:has(td)');
    expect(await crumbs.first().locator('td').nth(2).textContent()).toBe('user logged in');
    expect(await page.locator('#tags .tag', { hasText: 'harness.scenario' }).locator('.v').textContent()).toBe('error');
    await screenshot(page, 'web-event');

    await page.locator('#tab-raw').click();
    await page.waitForURL(/view=raw$/);
    const raw = JSON.parse((await page.locator('#raw pre').textContent())!);
    expect(raw.event_id).toBe(sent.error_event_id);
    expect(raw.items[0].payload.exception.values[0].type).toBe('ValueError');
    await screenshot(page, 'web-event-raw');
  }, 60_000);

  it('filters the list with the form: search text applied, empty fields ignored', async () => {
    await page.goto(`${capture.url}/`);
    await page.locator('input[name="q"]').fill('harness boom');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/[?&]q=harness\+boom/);
    // The browser sends every field, the empty ones too.
    expect(page.url()).toContain('type=&');
    const titles = await page.locator('#event-rows a.title').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    for (const t of titles) expect(t).toContain('harness boom');
  }, 60_000);

  it('shows a transaction’s spans on a timeline', async () => {
    await page.goto(`${capture.url}/?type=transaction`);
    await page.locator('#event-rows a.title', { hasText: 'job' }).click();
    await page.waitForURL(/\/events\/\d+$/);
    const ops = await page.locator('#spans .span-label .op').allTextContents();
    expect(ops).toEqual(['task', 'db.query', 'http.client']);
    await screenshot(page, 'web-transaction');
  }, 60_000);

  it('shows counts by type, platform and SDK on the stats view', async () => {
    await page.goto(`${capture.url}/stats`);
    const value = (label: string) => page.locator('.stat', { hasText: label }).locator('.stat-value').textContent();
    expect(await value('Errors')).toBe('2');
    expect(await value('Transactions')).toBe('1');
    expect(await page.locator('[data-dimension="sdk"] .bar-row', { hasText: 'sentry.python' }).locator('.bar-count').textContent()).toBe('3');
    await screenshot(page, 'web-stats');
  }, 60_000);

  it('replays a selected event to a second Undertaker from the page and shows the run’s outcome', async () => {
    await page.goto(`${capture.url}/?type=error&q=${sent.error_event_id}`);
    await page.locator('#event-rows .row-check').check();
    await page.locator('#replay-selected').click();
    await page.waitForURL(/\/replays\?ids=\d+$/);
    await page.locator('input[name="dsn"]').fill(`http://${DEST_KEY}@127.0.0.1:${destination.port}/7`);
    await page.locator('#start-replay').click();
    const run = page.locator('#replay-history tr[data-run]').first();
    await page.locator('#replay-history tr[data-status="succeeded"]').waitFor({ timeout: 30_000 });
    expect(await run.locator('td').nth(6).textContent()).toBe('1');
    expect(await run.locator('td').nth(7).textContent()).toBe('1');
    expect(await run.locator('td').nth(10).textContent()).toBe('200×1');
    await screenshot(page, 'web-replays');

    const arrived = (await (await fetch(`${destination.url}/api/events`)).json()) as { events: { title: string; event_id: string; project_id: number }[] };
    expect(arrived.events.map((e) => [e.title, e.project_id])).toEqual([['ValueError: harness boom', 7]]);
    expect(arrived.events[0]!.event_id).not.toBe(sent.error_event_id);

    await run.locator('a').first().click();
    await page.waitForURL(/\/replays\/\d+$/);
    expect(await page.locator('.outcomes td .badge').textContent()).toBe('accepted');
    expect(await page.locator('.outcomes td.mono').first().textContent()).toBe(`${sent.error_event_id} → ${arrived.events[0]!.event_id}`);
    await screenshot(page, 'web-replay-run');
  }, 90_000);

  it('loaded everything from the server itself: no other host, no failed asset, no script error', () => {
    expect(external).toEqual([]);
    expect(failed).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

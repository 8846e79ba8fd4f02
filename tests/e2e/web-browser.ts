// Chromium for the web page tests: Debian's /usr/bin/chromium with the machine's flags, a context
// that reaches only 127.0.0.1 (everything else is aborted and recorded), and screenshots.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM } from '../helpers/browser.ts';
import { REPO_ROOT } from '../helpers/sdk.ts';

/** The machine's flags for Chromium in a closed network (as in tests/helpers/browser.ts). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(REPO_ROOT, 'tests/artifacts');
/** Runs against the binary keep their own screenshots beside the from-source ones. */
const SUFFIX = process.env.UNDERTAKER_BIN ? '-bin' : '';
/** Why Chromium cannot run, or null. */
export function browserProblem(): string | null {
  return existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM}; run \`bash tests/setup/install-browser.sh\``;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** A context that only reaches 127.0.0.1; anything else is aborted and listed in `external`. */
export async function offlineContext(browser: Browser): Promise<{ context: BrowserContext; external: string[]; failed: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const external: string[] = [];
  const failed: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    external.push(url.href);
    return route.abort();
  });
  context.on('response', (res) => {
    if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
  });
  return { context, external, failed };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}${SUFFIX}.png`), fullPage: true });
}

// Drives the real @sentry/browser in Debian's headless Chromium: bundles tests/sdk/browser/page.mjs, serves it
// from its own 127.0.0.1 port (a different origin than Undertaker) and records every request the page sends.
// Install with `bash tests/setup/install-browser.sh`; browserInstallProblem() says what is missing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'bun';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from './sdk.ts';

export const CHROMIUM = process.env.UNDERTAKER_CHROMIUM ?? '/usr/bin/chromium';
const SDK_DIR = join(REPO_ROOT, 'tests/sdk/browser');
const STAMP = join(SDK_DIR, 'node_modules/.undertaker-stamp');
const INSTALL_HINT = 'run `bash tests/setup/install-browser.sh`';

/** The machine doc's flags: without the background-networking ones Chromium keeps dialling out of a closed network. */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Why the browser test cannot run, or null when Chromium and the SDK are installed and current. */
export function browserInstallProblem(): string | null {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}; ${INSTALL_HINT}`;
  if (!existsSync(join(SDK_DIR, 'node_modules/@sentry/browser/package.json'))) return `@sentry/browser is not installed in ${SDK_DIR}; ${INSTALL_HINT}`;
  const hasher = new Bun.CryptoHasher('sha256');
  for (const file of ['package.json', 'package-lock.json']) hasher.update(readFileSync(join(SDK_DIR, file)));
  const stamp = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : null;
  if (stamp !== hasher.digest('hex')) return `node_modules stamp does not match package.json + package-lock.json; ${INSTALL_HINT}`;
  return null;
}

export function sdkBrowserVersion(): string {
  return (JSON.parse(readFileSync(join(SDK_DIR, 'node_modules/@sentry/browser/package.json'), 'utf8')) as { version: string }).version;
}

/** One request as Chromium sent it (headers and body from the browser's network layer). */
export interface SentRequest {
  url: string;
  method: string;
  /** Playwright's request type: `fetch`, `beacon`/`ping`, … */
  resourceType: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface HarnessPage {
  page: Page;
  /** Requests to `captureOrigin` so far, in the order Chromium issued them. */
  requests: SentRequest[];
  /** Console lines (the SDK's debug log), for failure messages. */
  console: string[];
  close(): Promise<void>;
}

export interface BrowserHarness {
  pageUrl: string;
  chromiumVersion: string;
  /** A fresh context (own sessionStorage, so no sticky replay session) with the harness page loaded. */
  openPage(captureOrigin: string): Promise<HarnessPage>;
  stop(): Promise<void>;
}

/** Bundles the page (development condition: the SDK's debug logging stays in), serves it and launches Chromium. */
export async function startBrowserHarness(): Promise<BrowserHarness> {
  const script = await bundlePage();
  const server = servePage(script);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  const contexts = new Set<BrowserContext>();
  return {
    pageUrl: `http://127.0.0.1:${server.port}/`,
    chromiumVersion: browser.version(),
    openPage: (captureOrigin) => openHarnessPage(browser, contexts, `http://127.0.0.1:${server.port}/`, captureOrigin),
    stop: async () => {
      await Promise.all([...contexts].map((c) => c.close().catch(() => {})));
      await browser.close().catch(() => {});
      server.stop(true);
    },
  };
}

// --- internal ---

async function bundlePage(): Promise<string> {
  const result = await Bun.build({
    entrypoints: [join(SDK_DIR, 'page.mjs')],
    target: 'browser',
    format: 'iife',
    conditions: ['development'],
  });
  if (!result.success || !result.outputs[0]) throw new Error(`bundling the browser page failed: ${result.logs.join('\n')}`);
  return result.outputs[0].text();
}

/** `Document-Policy: js-profiling` lets the page construct the JS Self-Profiling API's Profiler. */
function servePage(script: string): Server<undefined> {
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>undertaker browser harness</title>' +
    '<link rel="icon" href="data:,"><script src="/page.js"></script></head><body><h1>harness</h1></body></html>';
  return Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(request) {
      const path = new URL(request.url).pathname;
      if (path === '/page.js') return new Response(script, { headers: { 'content-type': 'text/javascript; charset=utf-8' } });
      if (path === '/') return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8', 'document-policy': 'js-profiling' } });
      return new Response('not found', { status: 404 });
    },
  });
}

async function openHarnessPage(browser: Browser, contexts: Set<BrowserContext>, pageUrl: string, captureOrigin: string): Promise<HarnessPage> {
  const context = await browser.newContext();
  contexts.add(context);
  const requests: SentRequest[] = [];
  const pending: Promise<void>[] = [];
  const consoleLines: string[] = [];
  context.on('request', (request) => {
    if (!request.url().startsWith(captureOrigin)) return;
    // allHeaders() has what went on the wire; it rejects once the page is gone (keepalive requests at close).
    const headers = request.allHeaders().catch(() => request.headers());
    pending.push(
      headers.then((h) => {
        requests.push({ url: request.url(), method: request.method(), resourceType: request.resourceType(), headers: h, body: new Uint8Array(request.postDataBuffer() ?? []) });
      }),
    );
  });
  const page = await context.newPage();
  page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
  await page.goto(pageUrl);
  return {
    page,
    requests,
    console: consoleLines,
    close: async () => {
      await Promise.allSettled(pending);
      await context.close();
      contexts.delete(context);
    },
  };
}

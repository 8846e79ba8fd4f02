// The server-rendered page: what each view shows, the live-row fragment, embedded assets, and
// that captured text can never become markup (captured data is untrusted input).
import { afterEach, describe, expect, it } from 'bun:test';
import { join } from 'node:path';
import { createWebApp, errorEvent, transactionEvent, type WebApp } from './web-app.ts';

let app: WebApp;
afterEach(async () => {
  expect(app.errors).toEqual([]);
  await app.store.close();
});

const page = async (path: string) => {
  const res = await app.request(path);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  return res.text();
};

describe('the event list', () => {
  it('shows every captured envelope with its title, and an empty state with a DSN before that', async () => {
    app = await createWebApp();
    const empty = await page('/');
    expect(empty).toContain('Nothing captured yet');
    expect(empty).toContain('sentry_sdk.init(dsn=&quot;http://0123456789abcdef0123456789abcdef@127.0.0.1/1&quot;)');
    const id = await app.capture(errorEvent());
    const html = await page('/');
    expect(html).toContain(`<a class="title" href="/events/${id}">KeyError: &#x27;cart&#x27;</a>`);
    expect(html).toContain(`<tbody id="event-rows" data-live="/ui/rows?" data-newest="${id}">`);
    expect(html).not.toContain('Nothing captured yet');
  });

  it('returns only rows newer than `after` from the live fragment, newest first, with the filters', async () => {
    app = await createWebApp();
    const a = await app.capture(errorEvent());
    const b = await app.capture(transactionEvent());
    const c = await app.capture(errorEvent({ platform: 'ruby' }));
    const rows = await page(`/ui/rows?after=${a}`);
    expect([...rows.matchAll(/<tr data-id="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([c, b]);
    const typed = await page(`/ui/rows?after=${a}&type=transaction`);
    expect([...typed.matchAll(/<tr data-id="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([b]);
    expect(await page(`/ui/rows?after=${c}`)).toBe('');
  });
});

describe('the event view', () => {
  it('shows the exception, frames newest first with source, breadcrumbs, tags and contexts', async () => {
    app = await createWebApp();
    const id = await app.capture(errorEvent());
    const html = await page(`/events/${id}`);
    expect(html).toContain('<span class="exc-type">KeyError</span>');
    expect(html).toContain('<span class="chip chip-bad">unhandled</span>');
    // The top frame (last in the payload) comes first and is open.
    const frames = [...html.matchAll(/<span class="file">([^<]+)<\/span><span class="muted"> in <\/span><span class="fn">([^<]+)<\/span>/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(frames).toEqual(['app/cart.py:load_cart', 'app/main.py:handle']);
    expect(html).toContain('<details class="frame in-app" open><summary><span class="file">app/cart.py</span>');
    expect(html).toContain('<li class="current"><span class="ln">42</span><code>    return carts[user]</code></li>');
    expect(html).toContain('<td><span>GET /cart</span><code class="crumb-data">{&quot;status_code&quot;:200}</code></td>');
    expect(html).toContain('<span class="k">region</span><span class="v">eu-west</span>');
    expect(html).toContain('<h3>OS</h3>');
    expect(html).toContain(`<a href="/events/${id}?view=raw" id="tab-raw">Raw JSON</a>`);
  });

  it('draws a transaction’s spans as a waterfall, nested under their parents', async () => {
    app = await createWebApp();
    const id = await app.capture(transactionEvent());
    const html = await page(`/events/${id}`);
    const rows = [...html.matchAll(/<div class="span-label" style="padding-left:(\d+)px"><span class="op op-\w+">([^<]+)<\/span>/g)].map((m) => `${m[2]}@${m[1]}`);
    expect(rows).toEqual(['http.server@0', 'db.query@14', 'cache.get@28']);
    // db.query runs from 100 to 200 ms of a 500 ms transaction.
    expect(html).toContain('<div class="span-bar op-db" style="left:20.000%;width:20.000%"></div>');
    expect(html).toContain('<div class="span-dur">100 ms</div>');
  });

  it('shows the whole envelope as JSON on the raw tab, and 404 for a missing id', async () => {
    app = await createWebApp();
    const id = await app.capture(errorEvent({ event_id: '3'.repeat(32) }));
    const raw = await page(`/events/${id}?view=raw`);
    expect(raw).toContain('&quot;event_id&quot;: &quot;33333333333333333333333333333333&quot;');
    expect(raw).toContain('<a href="/events/1?view=raw" class="active" id="tab-raw">Raw JSON</a>');
    expect((await app.request('/events/999')).status).toBe(404);
  });
});

describe('stats and replays', () => {
  it('shows totals and bars per platform that link to the filtered list', async () => {
    app = await createWebApp();
    await app.capture(errorEvent());
    await app.capture(transactionEvent());
    const html = await page('/stats');
    expect(html).toContain('<div class="stat-value">2</div><div class="stat-label">Envelopes</div>');
    expect(html).toContain('<a class="bar-row" href="/?platform=python"><span class="bar-label">python</span>');
  });

  it('offers the selected events on the replay form and an empty history', async () => {
    app = await createWebApp();
    const a = await app.capture(errorEvent());
    const b = await app.capture(transactionEvent());
    const html = await page(`/replays?ids=${a},${b},999`);
    expect(html).toContain('<span>The 2 selected in the event list</span>');
    expect(html).toContain(`<input type="hidden" name="ids" value="${b},${a}"/>`);
    expect(html).toContain(`<a href="/events/${b}" class="mono">#${b}</a> <span class="badge type type-transaction">transaction</span> <span>GET /checkout</span>`);
    expect(html).toContain('No replay has run yet.');
  });
});

describe('assets and escaping', () => {
  it('serves the embedded script, style sheet and icon', async () => {
    app = await createWebApp();
    for (const [name, type, marker] of [['app.js', 'text/javascript', 'startLiveRows'], ['style.css', 'text/css', '.topbar'], ['favicon.svg', 'image/svg+xml', '<svg']]) {
      const res = await app.request(`/ui/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toStartWith(type!);
      expect(await res.text()).toContain(marker!);
    }
    expect((await app.request('/ui/nothing.js')).status).toBe(404);
  });

  it('escapes captured text everywhere it is shown', async () => {
    app = await createWebApp();
    const evil = '"><img src=x onerror=alert(1)>';
    const id = await app.capture(
      errorEvent({
        exception: { values: [{ type: evil, value: evil, stacktrace: { frames: [{ filename: evil, function: evil, context_line: evil, vars: { [evil]: evil } }] } }] },
        breadcrumbs: [{ message: evil, category: evil, data: { x: evil } }],
        tags: { [evil]: evil },
        contexts: { [evil]: { [evil]: evil } },
        release: evil,
        environment: evil,
        sdk: { name: evil, version: evil },
        platform: evil,
      }),
    );
    for (const path of ['/', `/events/${id}`, `/events/${id}?view=raw`, '/stats', '/replays', '/ui/rows?after=0', `/?q=${encodeURIComponent(evil)}`]) {
      const html = await page(path);
      // With every quoted attribute value removed, no captured tag is left: an unescaped quote
      // would end its attribute early and leave the tag behind.
      expect(html.replace(/="[^"]*"/g, '=""')).not.toContain('<img src=x');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });

  it('has no JSX child that the XSS scanner finds unescaped', async () => {
    app = await createWebApp();
    const root = join(import.meta.dir, '../..');
    const files = [...new Bun.Glob('src/web/ui/*.tsx').scanSync({ cwd: root })];
    const scan = Bun.spawnSync(['node', join(root, 'node_modules/@kitajs/ts-html-plugin/dist/cli.js'), '-s', ...files], { cwd: root });
    expect(`${scan.stdout}${scan.stderr}`.trim()).toStartWith('No XSS vulnerabilities found in');
    expect(scan.exitCode).toBe(0);
  }, 60_000);
});

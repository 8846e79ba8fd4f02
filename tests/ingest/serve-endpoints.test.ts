// The capture endpoints and their limits through a real `undertaker serve`, and `events show --json`
// on every kind of stored row (what users and replay see of non-envelope requests).
import { afterAll, describe, expect, it } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DUMP, multipart, MULTIPART_CT } from '../envelope/fixtures/crash-upload.ts';
import { runUndertaker, startServer, stopAll, TEST_KEY, tempDir } from '../helpers/spawn.ts';

afterAll(stopAll);

describe('undertaker serve endpoints', () => {
  it('stores minidump, security, NEL, Unreal and cron requests that events show --json presents as envelopes', async () => {
    const server = await startServer();
    const base = `${server.url}/api/5`;
    const posts: [string, RequestInit, number][] = [
      [`${base}/minidump/?sentry_key=${TEST_KEY}`, { method: 'POST', headers: { 'content-type': MULTIPART_CT }, body: multipart([{ name: 'upload_file_minidump', filename: 'a.dmp', data: DUMP }, { name: 'sentry[release]', value: 'r@1' }]) }, 200],
      [`${base}/security/?sentry_key=${TEST_KEY}`, { method: 'POST', headers: { 'content-type': 'application/csp-report' }, body: '{"csp-report":{"blocked-uri":"inline"}}' }, 200],
      [`${base}/nel/?sentry_key=${TEST_KEY}`, { method: 'POST', headers: { 'content-type': 'application/reports+json' }, body: '[{"type":"network-error","url":"https://a.example/","body":{"type":"tcp.reset"}}]' }, 200],
      [`${base}/unreal/${TEST_KEY}/`, { method: 'POST', body: new Uint8Array([1, 2, 3]) }, 200],
      [`${base}/cron/backup/${TEST_KEY}/?status=ok`, { method: 'GET' }, 202],
    ];
    for (const [url, init, status] of posts) expect([url, (await fetch(url, init)).status]).toEqual([url, status]);
    const expected: [string, string[]][] = [
      ['minidump', ['attachment', 'form_data']],
      ['security', ['raw_security']],
      ['nel', ['nel']],
      ['unreal', ['unreal_report']],
      ['cron', ['check_in']],
    ];
    for (const [index, [endpoint, types]] of expected.entries()) {
      const shown = await runUndertaker(['events', 'show', String(index + 1), '--json', '--db', server.db]);
      expect([endpoint, shown.code, shown.stderr]).toEqual([endpoint, 0, '']);
      const json = JSON.parse(shown.stdout) as { endpoint: string; header: { event_id?: string }; items: { header: { type: string } }[] };
      expect([json.endpoint, json.items.map((i) => i.header.type)]).toEqual([endpoint, types]);
      expect(json.header.event_id).toMatch(/^[0-9a-f]{32}$/);
    }
  }, 60_000);

  it('reads --limits-file and refuses a bad one with exit 2 naming the key', async () => {
    const dir = tempDir('ut-limits-');
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ max_attachment_count: 1 }));
    const server = await startServer({ args: ['--limits-file', good] });
    const body = `{}\n{"type":"attachment","length":1,"filename":"a"}\na\n{"type":"attachment","length":1,"filename":"b"}\nb\n`;
    const res = await fetch(`${server.url}/api/5/envelope/`, { method: 'POST', body });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toStartWith("envelope exceeded size limits for type 'attachment:attachment'");
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ max_attachment_cout: 1 }));
    const refused = await runUndertaker(['serve', '--port', '0', '--db', join(dir, 'x.db'), '--limits-file', bad], { timeoutMs: 15_000 });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('max_attachment_cout');
    const help = await runUndertaker(['serve', '--help']);
    expect(help.stdout).toContain('--limits-file PATH');
  }, 60_000);
});

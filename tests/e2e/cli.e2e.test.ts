// The CLI as a user meets it, run as a real process (from source, or the binary when UNDERTAKER_BIN is set).
import { afterAll, describe, expect, it } from 'bun:test';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { EVENT_ID, sha256, SIMPLE_ENVELOPE } from '../helpers/app.ts';
import { runUndertaker, startServer, stopAll, tempDir, undertakerCommand } from '../helpers/spawn.ts';

afterAll(stopAll);

describe('undertaker CLI', () => {
  it('prints usage with every command for --help, and exits 2 for an unknown command', async () => {
    const help = await runUndertaker(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['serve', 'events list', 'events show', 'replay']) expect(help.stdout).toContain(`  ${cmd} `);
    const unknown = await runUndertaker(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('explains each option of replay in its --help', async () => {
    const help = await runUndertaker(['replay', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--dsn DSN', '--every DURATION', '--dry-run', '--type TYPE', '--platform NAME', '--project ID', '--limit N', '--id ID', '--db PATH']) {
      expect(help.stdout).toContain(flag);
    }
  });

  it('rejects a bad --every, a bad DSN and an unknown flag with exit 2 and a message naming them', async () => {
    const db = join(tempDir(), 'x.db');
    const every = await runUndertaker(['replay', '--dsn', 'http://k@127.0.0.1:9/1', '--every', 'soon', '--db', db]);
    expect(every.code).toBe(2);
    expect(every.stderr).toContain('--every: "soon" is not a duration');
    const dsn = await runUndertaker(['replay', '--dsn', 'ftp://nope', '--db', db]);
    expect(dsn.code).toBe(2);
    expect(dsn.stderr).toContain('ftp://nope');
    const flag = await runUndertaker(['events', 'list', '--colour', '--db', db]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--colour');
  });

  it('says which ID is missing for events show', async () => {
    const server = await startServer();
    const res = await runUndertaker(['events', 'show', '99', '--db', server.db]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('no envelope with ID 99');
  });

  it('refuses to read a database that does not exist instead of creating an empty one', async () => {
    const db = join(tempDir(), 'typo.db');
    for (const args of [['events', 'list'], ['events', 'show', '1'], ['replay', '--dsn', 'http://k@127.0.0.1:9/1'], ['replays', 'list']]) {
      const res = await runUndertaker([...args, '--db', db]);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`no database at ${db}`);
    }
    expect(existsSync(db)).toBe(false);
  });

  it('refuses a file that is not a database as a usage error, exit 2, and leaves it as it was', async () => {
    const file = join(tempDir(), 'notes.txt');
    writeFileSync(file, 'just some text\n');
    const res = await runUndertaker(['events', 'list', '--db', file]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`--db: ${file} is not an Undertaker database`);
    expect(readFileSync(file, 'utf8')).toBe('just some text\n');
  });

  it('takes --max-envelope-size with a unit, and a failed start leaves no new database behind', async () => {
    const server = await startServer({ args: ['--max-envelope-size', '1KiB'] });
    const big = SIMPLE_ENVELOPE.replace('hello', 'x'.repeat(2000));
    const res = await fetch(`${server.url}/api/1/envelope/`, { method: 'POST', body: big });
    expect(res.status).toBe(413);
    expect((await res.json()).detail).toContain('1024');
    const bad = await runUndertaker(['serve', '--port', '0', '--max-envelope-size', 'lots', '--db', join(tempDir(), 'x.db')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-envelope-size');
    const fresh = join(tempDir(), 'never.db');
    const busy = await runUndertaker(['serve', '--port', String(server.port), '--db', fresh]);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain('already in use');
    expect(existsSync(fresh)).toBe(false);
    await server.stop();
  });

  it('pipes long JSON output whole', async () => {
    const server = await startServer();
    await Promise.all(Array.from({ length: 400 }, (_, i) =>
      fetch(`${server.url}/api/1/envelope/`, { method: 'POST', body: SIMPLE_ENVELOPE.replace('hello', `hello ${'x'.repeat(400)} ${i}`) })));
    const proc = Bun.spawn(['sh', '-c', `${undertakerCommand().map((a) => `'${a}'`).join(' ')} events list --json --limit 1000 --db '${server.db}' | cat`], { stdout: 'pipe' });
    const text = await new Response(proc.stdout).text();
    expect(JSON.parse(text).length).toBe(400);
  });

  it('serves from any working directory with the default database there, and exits 0 on SIGTERM', async () => {
    const cwd = tempDir('ut-cwd-');
    const server = await startServer({ cwd, db: 'undertaker.db' });
    const res = await fetch(`${server.url}/api/5/envelope/`, { method: 'POST', headers: { 'content-encoding': 'gzip' }, body: zlib.gzipSync(SIMPLE_ENVELOPE) });
    expect(await res.json()).toEqual({ id: EVENT_ID });
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(existsSync(join(cwd, 'undertaker.db'))).toBe(true);
    const raw = await runUndertaker(['events', 'show', '1', '--raw'], { cwd });
    expect(raw.code).toBe(0);
    expect(sha256(raw.stdoutBytes)).toBe(sha256(new TextEncoder().encode(SIMPLE_ENVELOPE)));
  });

  it('prints a readable table and JSON objects with the documented keys', async () => {
    const server = await startServer();
    await fetch(`${server.url}/api/7/envelope/?sentry_key=0123456789abcdef0123456789abcdef`, { method: 'POST', body: SIMPLE_ENVELOPE });
    const table = await runUndertaker(['events', 'list', '--db', server.db]);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+RECEIVED\s+PROJECT\s+TYPE\s+PLATFORM\s+SDK\s+TITLE$/);
    expect(table.stdout).toContain('hello');
    const json = JSON.parse((await runUndertaker(['events', 'list', '--json', '--db', server.db])).stdout);
    expect(Object.keys(json[0])).toEqual(expect.arrayContaining(['id', 'received_at', 'project_id', 'public_key', 'event_id', 'type', 'item_types', 'platform', 'sdk', 'title']));
    expect(json[0]).toMatchObject({ project_id: 7, event_id: EVENT_ID, type: 'error', item_types: ['event'], platform: 'python', title: 'hello' });
  });

  it('reports a port already in use with a hint, exit 2', async () => {
    const server = await startServer();
    const second = await runUndertaker(['serve', '--port', String(server.port), '--db', join(tempDir(), 'y.db')], { timeoutMs: 15_000 });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`port ${server.port}`);
    expect(second.stderr).toContain('--port');
  });
});

describe('serve over a raw socket', () => {
  async function rawRequest(port: number, request: Uint8Array): Promise<string> {
    let response = '';
    const { promise, resolve } = Promise.withResolvers<string>();
    const socket = await Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        data(_s, d) {
          response += new TextDecoder().decode(d);
          if (/\r\n\r\n[\s\S]*\}/.test(response)) resolve(response);
        },
        close() {
          resolve(response);
        },
      },
    });
    socket.write(request);
    const out = await Promise.race([promise, Bun.sleep(10_000).then(() => response)]);
    socket.end();
    return out;
  }

  function chunked(body: Uint8Array, extraHeaders = ''): Uint8Array {
    const head = `POST /api/42/envelope/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\nContent-Type: application/x-sentry-envelope\r\n${extraHeaders}X-Sentry-Auth: Sentry sentry_key=0123456789abcdef0123456789abcdef, sentry_version=7, sentry_client=sentry.php/2.1.0\r\nConnection: close\r\n\r\n`;
    const half = Math.floor(body.byteLength / 2);
    const parts = [body.slice(0, half), body.slice(half)];
    const enc = new TextEncoder();
    const pieces: Uint8Array[] = [enc.encode(head)];
    for (const p of parts) pieces.push(enc.encode(`${p.byteLength.toString(16)}\r\n`), p, enc.encode('\r\n'));
    pieces.push(enc.encode('0\r\n\r\n'));
    return new Uint8Array(Buffer.concat(pieces));
  }

  it('de-chunks, then gunzips, then stores a chunked gzip body (F06)', async () => {
    const server = await startServer();
    const res = await rawRequest(server.port, chunked(zlib.gzipSync(SIMPLE_ENVELOPE)));
    expect(res).toStartWith('HTTP/1.1 200');
    expect(res).toContain(`{"id":"${EVENT_ID}"}`);
    const raw = await runUndertaker(['events', 'show', '1', '--raw', '--db', server.db]);
    expect(sha256(raw.stdoutBytes)).toBe(sha256(new TextEncoder().encode(SIMPLE_ENVELOPE)));
  });

  it('never frames a chunked body by a stale Content-Length (F06 variant)', async () => {
    const server = await startServer();
    const res = await rawRequest(server.port, chunked(zlib.gzipSync(SIMPLE_ENVELOPE), 'Content-Length: 640\r\n'));
    // Either accepted via chunked framing or refused outright: never a 200 for a truncated body.
    if (res.startsWith('HTTP/1.1 200')) {
      const raw = await runUndertaker(['events', 'show', '1', '--raw', '--db', server.db]);
      expect(sha256(raw.stdoutBytes)).toBe(sha256(new TextEncoder().encode(SIMPLE_ENVELOPE)));
    } else {
      expect(res).toStartWith('HTTP/1.1 400');
      const listed = await runUndertaker(['events', 'list', '--json', '--db', server.db]);
      expect(JSON.parse(listed.stdout)).toEqual([]);
    }
  });
});

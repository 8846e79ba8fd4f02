// Compressed storage as a user meets it: real SDK envelopes posted to a running server are kept
// compressed on disk, and `events show --raw` and the raw API route give back the exact bytes sent.
import { Database } from 'bun:sqlite';
import { afterAll, describe, expect, it } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFixtureDirs, sha256 } from '../helpers/sdk-fixtures.ts';
import { runUndertaker, startServer, stopAll, TEST_KEY } from '../helpers/spawn.ts';

afterAll(stopAll);

/** The largest envelope-endpoint fixtures: an attachment, a transaction with spans, a replay. */
const LARGEST = readFixtureDirs()
  .flatMap(({ dir, manifest }) => manifest.envelopes.filter((e) => e.endpoint === 'envelope').map((e) => new Uint8Array(readFileSync(join(dir, e.file)))))
  .sort((a, b) => b.byteLength - a.byteLength)
  .slice(0, 3);

describe('compressed storage', () => {
  it('stores SDK envelopes zstd-compressed and shows them raw byte for byte', async () => {
    const server = await startServer();
    const ids: number[] = [];
    for (const body of LARGEST) {
      const res = await fetch(`${server.url}/api/7/envelope/`, {
        method: 'POST',
        headers: { 'content-encoding': 'gzip', 'x-sentry-auth': `Sentry sentry_key=${TEST_KEY}, sentry_version=7` },
        body: gzipSync(body),
      });
      expect(res.status).toBe(200);
      ids.push(ids.length + 1);
    }
    for (const [i, body] of LARGEST.entries()) {
      const shown = await runUndertaker(['events', 'show', String(ids[i]), '--raw', '--db', server.db]);
      expect(shown.code).toBe(0);
      expect(sha256(shown.stdoutBytes)).toBe(sha256(body));
      const api = new Uint8Array(await (await fetch(`${server.url}/api/events/${ids[i]}/raw`)).arrayBuffer());
      expect(sha256(api)).toBe(sha256(body));
    }
    const db = new Database(server.db, { readonly: true });
    const rows = db.query<{ enc: string; stored: number; size: number }, []>('select body_encoding as enc, length(body) as stored, size from envelopes order by id').all();
    db.close();
    expect(rows.map((r) => r.enc)).toEqual(['zstd', 'zstd', 'zstd']);
    expect(rows.map((r) => r.size)).toEqual(LARGEST.map((b) => b.byteLength));
    for (const r of rows) expect(r.stored).toBeLessThan(r.size);
    await server.stop();
  });
});

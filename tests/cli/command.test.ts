// The CLI in process: flags with negative values get the flag's own message, and `events list
// --search` finds titles by any part.
import { describe, expect, it } from 'bun:test';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/command.ts';
import { runCli } from '../../src/cli/main.ts';
import { openStore } from '../../src/store/index.ts';
import { sampleEnvelope } from '../store/contract.ts';
import { tempDir } from '../helpers/spawn.ts';

async function cli(argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stdoutBytes: async () => {}, stderr: (t) => void (err += t), env: {}, isTty: false, onStop: () => {} };
  const code = await runCli(argv, io);
  return { code, out, err };
}

describe('CLI flags', () => {
  it('reads a negative value as the flag value and says what is wrong with it', async () => {
    const port = await cli(['serve', '--port', '-1']);
    expect(port.code).toBe(2);
    expect(port.err).toContain('--port: "-1" must be a whole number from 0 to 65535');
    const db = join(tempDir(), 'empty.db');
    await (await openStore({ dialect: 'sqlite', path: db })).close();
    const limit = await cli(['events', 'list', '-n', '-5', '--db', db]);
    expect(limit.code).toBe(2);
    expect(limit.err).toContain('--limit: "-5" must be a whole number of at least 1');
  });

  it('searches titles with events list --search', async () => {
    const db = join(tempDir(), 'search.db');
    const store = await openStore({ dialect: 'sqlite', path: db });
    for (const title of ['ValueError: invalid payload', 'ZeroDivisionError: division by zero', 'GET /api/items']) {
      await store.insertEnvelope(sampleEnvelope({}, { title, eventId: null }));
    }
    await store.close();
    const found = await cli(['events', 'list', '--search', 'DIVISION', '--json', '--db', db]);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.out).map((r: { title: string }) => r.title)).toEqual(['ZeroDivisionError: division by zero']);
    const short = await cli(['events', 'list', '-s', 'Er', '--json', '--db', db]);
    expect(JSON.parse(short.out).length).toBe(2);
  });
});

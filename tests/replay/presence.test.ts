import { describe, expect, it } from 'bun:test';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { announceServe, servesOf } from '../../src/store/presence.ts';
import { tempDir } from '../helpers/spawn.ts';

describe('serve presence next to the database', () => {
  it('lists the live servers of a database and forgets them when they stop', () => {
    const db = join(tempDir('ut-presence-'), 'capture.db');
    expect(servesOf(db)).toEqual([]);
    const stop = announceServe(db, { host: '0.0.0.0', port: 3001 });
    expect(servesOf(db)).toEqual([{ host: '0.0.0.0', port: 3001 }]);
    stop();
    expect(existsSync(`${db}-serve.json`)).toBe(false);
    expect(servesOf(db)).toEqual([]);
  });

  it('ignores servers that died without cleaning up, and memory databases', () => {
    const db = join(tempDir('ut-presence-'), 'capture.db');
    writeFileSync(`${db}-serve.json`, JSON.stringify([{ pid: 2 ** 22 + 12345, host: '127.0.0.1', port: 9 }, { pid: process.pid, host: '127.0.0.1', port: 10 }]));
    expect(servesOf(db)).toEqual([{ host: '127.0.0.1', port: 10 }]);
    writeFileSync(`${db}-serve.json`, 'not json');
    expect(servesOf(db)).toEqual([]);
    expect(announceServe(':memory:', { host: '127.0.0.1', port: 1 })).toBeInstanceOf(Function);
    expect(servesOf(':memory:')).toEqual([]);
  });

  it('finds the server of a database reached through a symlink', () => {
    const dir = tempDir('ut-presence-');
    const db = join(dir, 'capture.db');
    writeFileSync(db, '');
    symlinkSync(db, join(dir, 'link.db'));
    const stop = announceServe(db, { host: '127.0.0.1', port: 3002 });
    expect(servesOf(join(dir, 'link.db'))).toEqual([{ host: '127.0.0.1', port: 3002 }]);
    stop();
  });
});

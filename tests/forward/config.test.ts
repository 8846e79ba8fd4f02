// Forwarding settings from flags and the config file: modes per source, defaults, precedence, and
// errors that name the flag or the key path.
import { describe, expect, it } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SPOOL, loadForwardConfig, parseForwardConfig, resolveForwardSettings } from '../../src/config/forward-config.ts';
import { forwardRouteFor } from '../../src/forward/entry.ts';
import { runUndertaker, tempDir } from '../helpers/spawn.ts';

const DSN_A = 'https://0123456789abcdef0123456789abcdef@o1.ingest.example/42';
const DSN_B = 'http://fedcba9876543210fedcba9876543210@127.0.0.1:9000/43';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('forward flags', () => {
  it('forwards a project given with --forward as record+forward, and --forward-mode changes the mode', () => {
    const s = resolveForwardSettings(undefined, { forward: [`1=${DSN_A}`, `2=${DSN_B}`, `*=${DSN_B}`], forwardMode: ['2=forward', '3=record'] });
    expect(Object.fromEntries(s.routes)).toEqual({
      '1': { mode: 'record+forward', upstream: DSN_A },
      '2': { mode: 'forward', upstream: DSN_B },
      '*': { mode: 'record+forward', upstream: DSN_B },
      '3': { mode: 'record' },
    });
    expect(forwardRouteFor(s.routes, 2)).toEqual({ mode: 'forward', upstream: DSN_B });
    expect(forwardRouteFor(s.routes, 3)).toBeUndefined();
    expect(forwardRouteFor(s.routes, 9)).toEqual({ mode: 'record+forward', upstream: DSN_B });
    expect(s.spool).toEqual(DEFAULT_SPOOL);
    expect([s.drainTimeoutMs, s.maxBackoffMs]).toEqual([10_000, 30_000]);
  });

  it('records everything when nothing is forwarded', () => {
    const s = resolveForwardSettings(undefined, {});
    expect(s.routes.size).toBe(0);
    expect(forwardRouteFor(s.routes, 1)).toBeUndefined();
  });

  it('reads spool bounds and the drain timeout from flags', () => {
    const s = resolveForwardSettings(undefined, { spoolMaxRows: 50, spoolMaxBytes: '2MiB', spoolMaxAge: '1h', drainTimeout: '0' });
    expect(s.spool).toEqual({ maxRows: 50, maxBytes: 2 * 1024 * 1024, maxAgeMs: 3_600_000 });
    expect(s.drainTimeoutMs).toBe(0);
  });

  it('refuses bad specs, modes, DSNs and a forwarding mode without an upstream, naming the flag', () => {
    expect(errorOf(() => resolveForwardSettings(undefined, { forward: [DSN_A] }))).toStartWith('--forward: "https://0123456789abcdef0123456789abcdef@o1.ingest.example/42" is not PROJECT=DSN');
    expect(errorOf(() => resolveForwardSettings(undefined, { forward: ['1=https://key:secret@host'] }))).toBe(
      '--forward 1=…: invalid DSN "https://key:***@host": the project id is missing; it is the last path segment, as in https://<public_key>@sentry.example.com/42',
    );
    expect(errorOf(() => resolveForwardSettings(undefined, { forward: [`1=${DSN_A}`, `1=${DSN_B}`] }))).toBe('--forward: project 1 is given twice; one upstream per project');
    expect(errorOf(() => resolveForwardSettings(undefined, { forwardMode: ['1=mirror'] }))).toBe('--forward-mode 1=mirror: the mode must be one of record, forward, record+forward');
    expect(errorOf(() => resolveForwardSettings(undefined, { forwardMode: ['3=forward'] }))).toBe(
      '--forward-mode 3=forward: project 3 has mode forward but no upstream DSN; add --forward 3=DSN (or sources.3.upstream in the config file)',
    );
    expect(errorOf(() => resolveForwardSettings(undefined, { spoolMaxBytes: 'lots' }))).toBe('--spool-max-bytes: "lots" is not a size; write a byte count or e.g. 500MiB, 2GiB');
    expect(errorOf(() => resolveForwardSettings(undefined, { drainTimeout: '10' }))).toStartWith('--drain-timeout: "10" is not a duration');
  });
});

describe('forward config file', () => {
  it('reads sources, spool, drain timeout and backoff cap from YAML, and flags win', () => {
    const path = join(tempDir('ut-fwdcfg-'), 'forward.yaml');
    writeFileSync(
      path,
      [
        'sources:',
        `  1: { upstream: "${DSN_A}" }`,
        `  2: { mode: forward, upstream: "${DSN_B}" }`,
        '  "*": { mode: record }',
        'spool: { max_rows: 1000, max_bytes: 10MiB, max_age: 2h }',
        'drain_timeout: 30s',
        'max_backoff: 5s',
      ].join('\n'),
    );
    const file = loadForwardConfig(path);
    const s = resolveForwardSettings(file, { forwardMode: ['1=forward'], forward: [`2=${DSN_A}`], spoolMaxRows: 10 }, path);
    expect(Object.fromEntries(s.routes)).toEqual({
      '1': { mode: 'forward', upstream: DSN_A },
      '2': { mode: 'forward', upstream: DSN_A },
      '*': { mode: 'record' },
    });
    expect(s.spool).toEqual({ maxRows: 10, maxBytes: 10 * 1024 * 1024, maxAgeMs: 7_200_000 });
    expect([s.drainTimeoutMs, s.maxBackoffMs]).toEqual([30_000, 5_000]);
  });

  it('names the key path of every mistake', () => {
    const message = errorOf(() =>
      parseForwardConfig({ sources: { x: { mode: 'forward' }, 2: { mode: 'mirror', upstream: 'not a dsn' } }, spool: { max_bytes: 'lots', max_age: 5 }, drain: '1s' }, 'f.yaml'),
    );
    expect(message.split('\n')).toEqual([
      'f.yaml is not a valid forward config:',
      '  sources.2.mode: Invalid option: expected one of "record"|"forward"|"record+forward"',
      '  sources.2.upstream: invalid DSN "not a dsn": not a URL; expected https://<public_key>@sentry.example.com/42',
      '  sources.x: expected a project id or "*"',
      '  spool.max_bytes: "lots" is not a size; write a positive byte count or a number with B, KB, KiB, MB, MiB, GB or GiB',
      '  spool.max_age: 5 is not a duration; write e.g. 10s, 5m, 1h or 3d',
      '  (top level): unknown key "drain"',
    ]);
    expect(errorOf(() => resolveForwardSettings(parseForwardConfig({ sources: { 4: { mode: 'record+forward' } } }, 'f.yaml'), {}, 'f.yaml'))).toBe(
      'f.yaml: sources.4.mode: project 4 has mode record+forward but no upstream DSN; add --forward 4=DSN (or sources.4.upstream in the config file)',
    );
  });
});

describe('serve with bad forwarding settings', () => {
  it('exits 2 before opening anything, naming the flag or the key', async () => {
    const dir = tempDir('ut-fwdcli-');
    const bad = await runUndertaker(['serve', '--port', '0', '--db', join(dir, 'x.db'), '--forward-mode', '3=forward']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: --forward-mode 3=forward: project 3 has mode forward but no upstream DSN; add --forward 3=DSN (or sources.3.upstream in the config file)\n');
    const file = join(dir, 'forward.yaml');
    writeFileSync(file, 'sources:\n  1: { upstream: "http://host/1" }\nspool: { max_rows: -1 }\n');
    const badFile = await runUndertaker(['serve', '--port', '0', '--db', join(dir, 'x.db'), '--forward-config', file]);
    expect(badFile.code).toBe(2);
    expect(badFile.stderr).toContain(`${file} is not a valid forward config:\n  sources.1.upstream: invalid DSN "http://host/1": the public key is missing`);
    expect(badFile.stderr).toContain('  spool.max_rows: Too small: expected number to be >0');
  });
});

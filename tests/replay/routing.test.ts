import { describe, expect, it } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadReplayConfig, parseReplayConfig } from '../../src/config/replay-config.ts';
import { createRouter, datasetsOf, type RouteSource } from '../../src/replay/routing.ts';
import { tempDir } from '../helpers/spawn.ts';

const KEY_A = '0123456789abcdef0123456789abcdef';
const KEY_B = 'fedcba9876543210fedcba9876543210';
const PY = `https://${KEY_B}@o1.ingest.sentry.io/11`;
const JS = `https://${KEY_B}@o1.ingest.sentry.io/12`;
const REST = `http://${KEY_B}@127.0.0.1:9000/13`;

function source(over: Partial<RouteSource> = {}): RouteSource {
  return { projectId: 1, publicKey: KEY_A, platform: 'python', sdkName: 'sentry.python', ...over };
}

function errorsOf(value: unknown): string[] {
  try {
    parseReplayConfig(value, 'routes.yaml');
  } catch (error) {
    return (error as Error).message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected the config to be rejected');
}

describe('replay config validation', () => {
  it('names the offending key path of each error', () => {
    expect(errorsOf({ routes: [{ to: PY }, { match: { platform: 5 }, to: PY }] })).toEqual(['routes[1].match.platform: expected string, received number']);
    expect(errorsOf({ routes: [{ match: { project: ['7'] }, to: [PY, 'ftp://x'] }] })).toEqual([
      'routes[0].match.project[0]: expected number, received string',
      'routes[0].to[1]: invalid DSN "ftp://x": scheme "ftp" is not supported; use http or https',
    ]);
  });

  it('rejects unknown keys, a missing routes list and bad defaults', () => {
    expect(errorsOf({ routes: [{ to: PY, macth: {} }] })).toEqual(['routes[0]: unknown key "macth"']);
    expect(errorsOf({ datasets: {} })).toEqual(['routes: expected array, received undefined']);
    expect(errorsOf({ routes: [{ to: PY }], replay: { spread: 'soon', tags: { 'has space': 'x' }, concurrency: 0 } })).toEqual([
      'replay.tags["has space"]: expected a tag key of at most 32 letters, digits, _ . : -',
      'replay.spread: expected a duration such as 30s, 10m or 1h',
      'replay.concurrency: Too small: expected number to be >=1',
    ]);
  });

  it('rejects a route naming a dataset that is not defined', () => {
    expect(errorsOf({ datasets: { shop: { projects: 1 } }, routes: [{ match: { dataset: 'shpo' }, to: PY }] })).toEqual([
      'routes[0].match.dataset: unknown dataset "shpo"; define it under datasets:',
    ]);
  });

  it('loads YAML and JSON files and names the file when it cannot', () => {
    const dir = tempDir('ut-routes-');
    const yaml = join(dir, 'routes.yaml');
    writeFileSync(yaml, `datasets:\n  shop:\n    projects: [1, 2]\nroutes:\n  - name: shop\n    match: { dataset: shop }\n    to: ${PY}\n`);
    expect(loadReplayConfig(yaml).routes[0]).toEqual({ name: 'shop', match: { dataset: ['shop'] }, to: [PY] });
    const json = join(dir, 'routes.json');
    writeFileSync(json, JSON.stringify({ routes: [{ to: [PY, JS] }] }));
    expect(loadReplayConfig(json).routes[0]!.to).toEqual([PY, JS]);
    writeFileSync(yaml, 'routes: [\n');
    expect(() => loadReplayConfig(yaml)).toThrow(`${yaml} is not valid YAML or JSON`);
    expect(() => loadReplayConfig(join(dir, 'missing.yaml'))).toThrow(`cannot read the replay config ${join(dir, 'missing.yaml')}: no such file`);
  });
});

describe('routing', () => {
  const config = parseReplayConfig(
    {
      datasets: { shop: { projects: [7], keys: [KEY_B] }, mobile: { projects: 8 } },
      routes: [
        { name: 'python', match: { platform: 'python', project: [1, 2] }, to: [PY, REST] },
        { name: 'browser', match: { sdk: 'sentry.javascript.*' }, to: JS },
        { name: 'shop', match: { dataset: ['shop', 'mobile'] }, to: REST },
        { name: 'key', match: { key: KEY_A.toUpperCase() }, to: PY },
      ],
    },
    'test',
  );
  const router = createRouter(config);

  it('sends a source to the first route whose every condition matches', () => {
    expect(router.route(source())?.name).toBe('python');
    expect(router.route(source())?.destinations.map((d) => d.projectId)).toEqual(['11', '13']);
    expect(router.route(source({ projectId: 3 }))?.name).toBe('key');
    expect(router.route(source({ platform: 'javascript', sdkName: 'sentry.javascript.browser' }))?.name).toBe('browser');
    expect(router.route(source({ platform: 'javascript', sdkName: 'sentry.javascript' }))?.name).toBe('key');
  });

  it('labels sources with datasets by project id or public key', () => {
    expect(datasetsOf(source({ projectId: 7, publicKey: null }), config.datasets!)).toEqual(['shop']);
    expect(datasetsOf(source({ projectId: 9, publicKey: KEY_B }), config.datasets!)).toEqual(['shop']);
    expect(datasetsOf(source({ projectId: 8 }), config.datasets!)).toEqual(['mobile']);
    expect(router.route(source({ projectId: 8, platform: 'go', publicKey: null }))?.name).toBe('shop');
  });

  it('routes nothing when no route matches, and lists each destination once', () => {
    expect(router.route(source({ projectId: 99, platform: 'go', publicKey: null, sdkName: 'sentry.go' }))).toBeNull();
    expect(router.destinations.map((d) => d.projectId)).toEqual(['11', '13', '12']);
    expect(router.describe()[0]).toEqual({ name: 'python', to: [PY, REST] });
  });

  it('sends everything to a route without match', () => {
    const all = createRouter(parseReplayConfig({ routes: [{ to: PY }] }, 'test'));
    expect(all.route(source({ projectId: 5, platform: null, publicKey: null, sdkName: null }))?.name).toBe('routes[0]');
  });
});

/**
 * Capture benchmark: requests/s and p50/p99 latency for ~2.5 KB gzip error envelopes posted
 * over keep-alive connections by wrk, against a bare Bun.serve baseline and against
 * `undertaker serve` with durable SQLite storage (every 200 is synced to disk first), in the same
 * run; plus peak RSS of serve.
 *
 *   npx bun bench/capture.ts [--seconds 10] [--conns 64] [--bin dist/undertaker]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { measureUnderLoad, prepareCaptureLoad } from './lib/capture-load.ts';
import { wholeNumber } from './lib/args.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, conns: { type: 'string', default: '64' }, bin: { type: 'string' }, bodies: { type: 'string', default: '200' } } });
const seconds = wholeNumber(values, 'seconds');
const conns = wholeNumber(values, 'conns');
const root = resolve(import.meta.dir, '..');
const dir = mkdtempSync(join(tmpdir(), 'ut-bench-'));
const load = prepareCaptureLoad(dir, wholeNumber(values, 'bodies'));

const undertaker = values.bin ? [resolve(values.bin)] : [process.execPath, join(root, 'src/cli/main.ts')];
const baseline = await measureUnderLoad('bare Bun.serve', [process.execPath, join(root, 'bench/baseline-server.ts')], load, { conns, seconds });
const serve = await measureUnderLoad('undertaker serve', [...undertaker, 'serve', '--port', '0', '--quiet', '--db', join(dir, 'bench.db')], load, { conns, seconds });

const ratio = serve.rps / baseline.rps;
console.log(`capture benchmark (${load.avgPlainBytes} B envelopes, ${load.avgGzipBytes} B gzip, wrk -t2 -c${conns} -d${seconds}s)`);
console.log('| server | req/s | p50 ms | p99 ms | peak RSS MiB |');
console.log('|---|---|---|---|---|');
console.log(`| bare Bun.serve (baseline) | ${baseline.rps.toFixed(0)} | ${baseline.p50ms} | ${baseline.p99ms} | ${baseline.rssMiB.toFixed(0)} |`);
console.log(`| undertaker serve (SQLite, synced before each 200) | ${serve.rps.toFixed(0)} | ${serve.p50ms} | ${serve.p99ms} | ${serve.rssMiB.toFixed(0)} |`);
console.log(`ratio undertaker/baseline: ${ratio.toFixed(2)}× (target ≥ 0.5×); serve RSS ${serve.rssMiB.toFixed(0)} MiB (target ≤ 150 MiB)`);
rmSync(dir, { recursive: true, force: true });

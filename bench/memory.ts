/**
 * Memory benchmark, in one run:
 * - peak RSS of `undertaker serve` under the capture load (wrk, ~2.5 KB gzip envelopes), against a
 *   bare Bun.serve under the same load (baseline); target ≤ 150 MiB;
 * - peak RSS of `undertaker replay` over 100,000 and all 1,000,000 stored envelopes to a local
 *   sink, against the 100,000-envelope run (baseline); target: flat (ratio ≈ 1). (A run of 10,000
 *   ends in 2 s, before the allocator reaches the steady state every longer run holds, ~5 s in.)
 *
 *   npx bun bench/memory.ts [--corpus 1000000] [--seconds 10] [--conns 64] [--bin dist/undertaker]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { measureUnderLoad, prepareCaptureLoad } from './lib/capture-load.ts';
import { ensureCorpus } from './lib/corpus.ts';
import { replayInto, withSink } from './lib/replay-sink.ts';
import { wholeNumber } from './lib/args.ts';

const { values } = parseArgs({
  options: { corpus: { type: 'string', default: '1000000' }, seconds: { type: 'string', default: '10' }, conns: { type: 'string', default: '64' }, bin: { type: 'string' } },
});
const total = wholeNumber(values, 'corpus');
const root = resolve(import.meta.dir, '..');
const undertaker = values.bin ? [resolve(values.bin)] : [process.execPath, resolve(root, 'src/cli/main.ts')];
const dir = mkdtempSync(join(tmpdir(), 'ut-bench-mem-'));

const load = prepareCaptureLoad(dir, 200);
const opts = { conns: wholeNumber(values, 'conns'), seconds: wholeNumber(values, 'seconds') };
const bare = await measureUnderLoad('bare Bun.serve', [process.execPath, join(root, 'bench/baseline-server.ts')], load, opts);
const serve = await measureUnderLoad('undertaker serve', [...undertaker, 'serve', '--port', '0', '--quiet', '--db', join(dir, 'mem.db')], load, opts);

const db = await ensureCorpus(total);
const sizes = [Math.min(100_000, total), total].filter((n, i, all) => all.indexOf(n) === i);
const replays: { envelopes: number; rssMiB: number; seconds: number }[] = [];
for (const limit of sizes) {
  const { result: r } = await withSink((_url, dsn) => replayInto(undertaker, dsn, db, limit, 16));
  replays.push({ envelopes: r.accepted, rssMiB: r.rssMiB, seconds: r.seconds });
  console.error(`replay of ${r.accepted.toLocaleString('en')} envelopes: peak RSS ${r.rssMiB.toFixed(0)} MiB in ${r.seconds.toFixed(0)} s`);
}
rmSync(dir, { recursive: true, force: true });

console.log(`memory benchmark (capture: wrk -t2 -c${opts.conns} -d${opts.seconds}s; replay: concurrency 16 to a local sink, ${total.toLocaleString('en')}-envelope corpus)`);
console.log('| process | peak RSS MiB | × baseline |');
console.log('|---|---|---|');
console.log(`| bare Bun.serve under capture load (baseline) | ${bare.rssMiB.toFixed(0)} | 1.00 |`);
console.log(`| undertaker serve under capture load (${serve.rps.toFixed(0)} req/s) | ${serve.rssMiB.toFixed(0)} | ${(serve.rssMiB / bare.rssMiB).toFixed(2)} |`);
const first = replays[0]!;
for (const r of replays) {
  console.log(`| undertaker replay, ${r.envelopes.toLocaleString('en')} envelopes${r === first ? ' (baseline)' : ''} | ${r.rssMiB.toFixed(0)} | ${(r.rssMiB / first.rssMiB).toFixed(2)} |`);
}
const last = replays[replays.length - 1]!;
console.log(`serve RSS under load ${serve.rssMiB.toFixed(0)} MiB (target ≤ 150 MiB); replay RSS at ${last.envelopes.toLocaleString('en')} / at ${first.envelopes.toLocaleString('en')} envelopes: ${(last.rssMiB / first.rssMiB).toFixed(2)}× (target: flat, ≈ 1.0×)`);

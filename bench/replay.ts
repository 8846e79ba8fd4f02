/**
 * Replay benchmark: envelopes/s rewritten and delivered by `undertaker replay` to a local sink,
 * against the sink's own maximum (a bare Bun fetch client posting pre-built gzip envelopes at the
 * same concurrency), measured in the same run on the same machine.
 *
 *   npx bun bench/replay.ts [--envelopes 100000] [--corpus 1000000] [--concurrency 16] [--bin dist/undertaker]
 *
 * The corpus (errors, transactions with spans, sessions; see bench/lib/corpus.ts) is built once
 * into .cache/bench/ and reused.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCorpus } from './lib/corpus.ts';
import { runMeasured } from './lib/proc.ts';
import { replayInto, withSink } from './lib/replay-sink.ts';
import { wholeNumber } from './lib/args.ts';

const { values } = parseArgs({
  options: { envelopes: { type: 'string', default: '100000' }, corpus: { type: 'string', default: '1000000' }, concurrency: { type: 'string', default: '16' }, bin: { type: 'string' } },
});
const envelopes = wholeNumber(values, 'envelopes');
const concurrency = wholeNumber(values, 'concurrency');
const corpusSize = wholeNumber(values, 'corpus');
const root = resolve(import.meta.dir, '..');
const undertaker = values.bin ? [resolve(values.bin)] : [process.execPath, resolve(root, 'src/cli/main.ts')];
const db = await ensureCorpus(corpusSize);

const sink = await withSink(async (url) => {
  const r = await runMeasured([process.execPath, resolve(root, 'bench/lib/blast.ts'), url, String(envelopes), String(concurrency)]);
  if (r.code !== 0) throw new Error(`sink client failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { perSecond: number; failed: number };
});
console.error(`sink maximum: ${sink.result.perSecond.toFixed(0)} envelopes/s (${sink.received} received)`);

const replay = await withSink((_url, dsn) => replayInto(undertaker, dsn, db, envelopes, concurrency));
const perSecond = replay.result.accepted / replay.result.seconds;
console.error(`undertaker replay: ${replay.result.accepted} accepted in ${replay.result.seconds.toFixed(1)} s (${replay.received} received), peak RSS ${replay.result.rssMiB.toFixed(0)} MiB`);

const ratio = perSecond / sink.result.perSecond;
console.log(`replay benchmark (${envelopes.toLocaleString('en')} envelopes from a ${corpusSize.toLocaleString('en')}-envelope corpus, concurrency ${concurrency})`);
console.log('| client | envelopes/s | peak RSS MiB |');
console.log('|---|---|---|');
console.log(`| bare fetch client, pre-built gzip bodies (sink maximum, baseline) | ${sink.result.perSecond.toFixed(0)} | – |`);
console.log(`| undertaker replay (read, rewrite, gzip, send, record history) | ${perSecond.toFixed(0)} | ${replay.result.rssMiB.toFixed(0)} |`);
console.log(`ratio replay/sink maximum: ${ratio.toFixed(2)}× (target ≥ 0.8×)`);

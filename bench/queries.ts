/**
 * Query benchmark: one filtered page of `GET /api/events` (what the page and `events list` ask
 * for) from `undertaker serve` over a 1,000,000-envelope corpus, against the unfiltered newest page
 * (the primary-key walk, baseline) measured in the same run. Each query runs `--runs` times after
 * one warm-up; the figure is the median (p95 beside it) of the wall time of the HTTP request.
 *
 *   npx bun bench/queries.ts [--corpus 1000000] [--runs 30] [--bin dist/undertaker]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCorpus } from './lib/corpus.ts';
import { median, percentile, spawnServer } from './lib/proc.ts';
import { wholeNumber } from './lib/args.ts';

const { values } = parseArgs({ options: { corpus: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '30' }, bin: { type: 'string' } } });
const runs = wholeNumber(values, 'runs');
const total = wholeNumber(values, 'corpus');
const root = resolve(import.meta.dir, '..');
const undertaker = values.bin ? [resolve(values.bin)] : [process.execPath, resolve(root, 'src/cli/main.ts')];
const db = await ensureCorpus(total);
const { proc, url } = await spawnServer([...undertaker, 'serve', '--port', '0', '--quiet', '--db', db]);

async function page(query: string): Promise<{ ms: number; rows: number; next: string | null }> {
  const started = performance.now();
  const res = await fetch(`${url}/api/events?limit=50${query ? `&${query}` : ''}`);
  const body = (await res.json()) as { events: unknown[]; next_cursor: string | null };
  if (res.status !== 200) throw new Error(`${query}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return { ms: performance.now() - started, rows: body.events.length, next: body.next_cursor };
}

try {
  // The corpus spans the 3 days before it was built; a one-hour window in its middle, and a
  // cursor half-way down the table.
  const newest = (await (await fetch(`${url}/api/events?limit=1`)).json()) as { events: { received_at: string | number }[] };
  const newestMs = typeof newest.events[0]!.received_at === 'number' ? newest.events[0]!.received_at : Date.parse(newest.events[0]!.received_at);
  const mid = newestMs - 36 * 3_600_000;
  // An error's title names its position (bench/lib/corpus.ts): one 60 % down the corpus, whose
  // number no other title contains as a prefix (it has the most digits of any position).
  const rareError = Math.floor((total * 0.6) / 10) * 10 + 3;
  const queries: [string, string][] = [
    ['newest page, no filter (baseline)', ''],
    ['type=error', 'type=error'],
    ['type=error & platform=go', 'type=error&platform=go'],
    ['type=transaction & environment & release', 'type=transaction&environment=bench&release=bench%401.0.0'],
    ['sdk=sentry.java', 'sdk=sentry.java'],
    ['one-hour time range', `since=${mid}&until=${mid + 3_600_000}`],
    ['type=error, one-hour range', `type=error&since=${mid}&until=${mid + 3_600_000}`],
    ['cursor half-way down (no filter)', `cursor=${Math.floor(total / 2)}`],
    ['cursor half-way down, type=session', `type=session&cursor=${Math.floor(total / 2)}`],
    ['free text, a rare title', `q=${encodeURIComponent(`invalid payload #${rareError}`)}`],
    ['free text, in half the titles', 'q=ValueError'],
  ];
  const rows: { label: string; p50: number; p95: number; n: number }[] = [];
  for (const [label, query] of queries) {
    await page(query);
    const times: number[] = [];
    let n = 0;
    for (let i = 0; i < runs; i++) {
      const r = await page(query);
      times.push(r.ms);
      n = r.rows;
    }
    rows.push({ label, p50: median(times), p95: percentile(times, 0.95), n });
    console.error(`${label}: median ${median(times).toFixed(1)} ms`);
  }
  const base = rows[0]!.p50;
  console.log(`query benchmark: GET /api/events?limit=50 on ${total.toLocaleString('en')} stored envelopes, ${runs} runs each`);
  console.log('| page | rows | median ms | p95 ms | × baseline | target ≤ 50 ms |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.label} | ${r.n} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${(r.p50 / base).toFixed(1)} | ${r.p50 <= 50 ? 'met' : 'missed'} |`);
  const filtered = rows.slice(1).filter((r) => !r.label.startsWith('free text'));
  const worst = filtered.reduce((a, b) => (b.p50 > a.p50 ? b : a));
  console.log(`slowest filtered page: ${worst.label}, ${worst.p50.toFixed(1)} ms = ${(worst.p50 / base).toFixed(1)}× the unfiltered page (target ≤ 50 ms)`);
} finally {
  proc.kill('SIGTERM');
  await proc.exited;
}

/**
 * Capture benchmark: requests/s and p50/p99 latency for ~2.5 KB gzip error envelopes posted
 * over keep-alive connections by wrk, against a bare Bun.serve baseline and against
 * `undertaker serve` with durable SQLite storage, in the same run; plus peak RSS of serve.
 *
 *   npx bun bench/capture.ts [--seconds 10] [--conns 64] [--bin dist/undertaker]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { benchEnvelope } from './lib/envelope.ts';
import { runWrk, sampleRss, spawnServer, type WrkResult } from './lib/proc.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, conns: { type: 'string', default: '64' }, bin: { type: 'string' }, bodies: { type: 'string', default: '200' } } });
const seconds = Number(values.seconds);
const conns = Number(values.conns);
const root = resolve(import.meta.dir, '..');
const dir = mkdtempSync(join(tmpdir(), 'ut-bench-'));

// wrk cycles through distinct gzip bodies so event ids and trace ids vary as in real traffic.
const bodies = Array.from({ length: Number(values.bodies) }, (_, i) => gzipSync(benchEnvelope(i)));
bodies.forEach((b, i) => writeFileSync(join(dir, `body-${i}.gz`), b));
const avgPlain = benchEnvelope(0).length;
const avgGz = Math.round(bodies.reduce((n, b) => n + b.byteLength, 0) / bodies.length);
writeFileSync(
  join(dir, 'post.lua'),
  `local bodies = {}
for i = 0, ${bodies.length - 1} do
  local f = io.open("${dir}/body-" .. i .. ".gz", "rb"); bodies[#bodies + 1] = f:read("*a"); f:close()
end
local n = 0
wrk.method = "POST"
wrk.path = "/api/42/envelope/"
wrk.headers["Content-Type"] = "application/x-sentry-envelope"
wrk.headers["Content-Encoding"] = "gzip"
wrk.headers["X-Sentry-Auth"] = "Sentry sentry_key=0123456789abcdef0123456789abcdef, sentry_version=7, sentry_client=sentry.python/2.75.0"
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1])
end
`,
);

async function measure(label: string, cmd: string[]): Promise<WrkResult & { rssMiB: number }> {
  const { proc, url } = await spawnServer(cmd);
  try {
    await runWrk(url, join(dir, 'post.lua'), { threads: 1, conns: 8, seconds: 2 }); // warm-up
    const rss = sampleRss(proc.pid);
    const r = await runWrk(url, join(dir, 'post.lua'), { threads: 2, conns, seconds });
    const peak = rss.stop();
    console.error(`${label}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50ms} ms, p99 ${r.p99ms} ms, peak RSS ${peak.toFixed(0)} MiB ${r.errors}`);
    return { ...r, rssMiB: peak };
  } finally {
    proc.kill('SIGTERM');
    await proc.exited;
  }
}

const undertaker = values.bin ? [resolve(values.bin)] : [process.execPath, join(root, 'src/cli/main.ts')];
const baseline = await measure('bare Bun.serve', [process.execPath, join(root, 'bench/baseline-server.ts')]);
const serve = await measure('undertaker serve', [...undertaker, 'serve', '--port', '0', '--quiet', '--db', join(dir, 'bench.db')]);

const ratio = serve.rps / baseline.rps;
console.log(`capture benchmark (${avgPlain} B envelopes, ${avgGz} B gzip, wrk -t2 -c${conns} -d${seconds}s)`);
console.log('| server | req/s | p50 ms | p99 ms | peak RSS MiB |');
console.log('|---|---|---|---|---|');
console.log(`| bare Bun.serve (baseline) | ${baseline.rps.toFixed(0)} | ${baseline.p50ms} | ${baseline.p99ms} | ${baseline.rssMiB.toFixed(0)} |`);
console.log(`| undertaker serve (SQLite, synchronous=FULL) | ${serve.rps.toFixed(0)} | ${serve.p50ms} | ${serve.p99ms} | ${serve.rssMiB.toFixed(0)} |`);
console.log(`ratio undertaker/baseline: ${ratio.toFixed(2)}× (target ≥ 0.5×); serve RSS ${serve.rssMiB.toFixed(0)} MiB (target ≤ 150 MiB)`);
rmSync(dir, { recursive: true, force: true });

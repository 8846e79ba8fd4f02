// The capture load shared by the capture and memory benchmarks: distinct ~2.5 KB gzip error
// envelopes posted by wrk over keep-alive connections, and a measured server under it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { benchEnvelope } from './envelope.ts';
import { runWrk, sampleRss, spawnServer, type WrkResult } from './proc.ts';

export interface CaptureLoad {
  script: string;
  avgPlainBytes: number;
  avgGzipBytes: number;
}

/** Writes `count` gzip bodies and the wrk Lua script that cycles through them into `dir`. */
export function prepareCaptureLoad(dir: string, count: number): CaptureLoad {
  // Distinct bodies, so event ids and trace ids vary as in real traffic.
  const bodies = Array.from({ length: count }, (_, i) => gzipSync(benchEnvelope(i)));
  bodies.forEach((b, i) => writeFileSync(join(dir, `body-${i}.gz`), b));
  const script = join(dir, 'post.lua');
  writeFileSync(
    script,
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
  return { script, avgPlainBytes: benchEnvelope(0).length, avgGzipBytes: Math.round(bodies.reduce((n, b) => n + b.byteLength, 0) / bodies.length) };
}

/** Starts `cmd`, warms it up for 2 s, then loads it with wrk, sampling its RSS; stops it after. */
export async function measureUnderLoad(label: string, cmd: string[], load: CaptureLoad, opts: { conns: number; seconds: number }): Promise<WrkResult & { rssMiB: number }> {
  const { proc, url } = await spawnServer(cmd);
  try {
    await runWrk(url, load.script, { threads: 1, conns: 8, seconds: 2 });
    const rss = sampleRss(proc.pid);
    const r = await runWrk(url, load.script, { threads: 2, conns: opts.conns, seconds: opts.seconds });
    const peak = rss.stop();
    console.error(`${label}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50ms} ms, p99 ${r.p99ms} ms, peak RSS ${peak.toFixed(0)} MiB ${r.errors}`);
    return { ...r, rssMiB: peak };
  } finally {
    proc.kill('SIGTERM');
    await proc.exited;
  }
}

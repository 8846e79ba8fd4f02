// The sink's own maximum: a Bun fetch client with no work of its own, posting pre-built gzip
// envelopes to URL at a fixed concurrency until COUNT have been accepted. Prints envelopes/s.
//   bun bench/lib/blast.ts URL COUNT CONCURRENCY
import { gzipSync } from 'node:zlib';
import { corpusEnvelope } from './corpus.ts';

const [url, countArg, concArg] = process.argv.slice(2);
const count = Number(countArg);
const concurrency = Number(concArg);
const now = Date.now() / 1000;
const bodies = Array.from({ length: 200 }, (_, i) => gzipSync(corpusEnvelope(i, now)));
const headers = {
  'content-type': 'application/x-sentry-envelope',
  'content-encoding': 'gzip',
  'x-sentry-auth': 'Sentry sentry_key=fedcba9876543210fedcba9876543210, sentry_version=7, sentry_client=bench/1',
};
let next = 0;
let failed = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      const res = await fetch(url!, { method: 'POST', headers, body: bodies[i % bodies.length] });
      await res.arrayBuffer();
      if (res.status !== 200) failed++;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ count, failed, seconds, perSecond: count / seconds }));

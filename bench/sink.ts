// A counting sink for the replay benchmarks: a bare Bun.serve that reads each body and answers
// like Sentry ({"id": …}). GET /count returns how many envelopes arrived (and their bytes).
let count = 0;
let bytes = 0;
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  async fetch(req) {
    if (req.method === 'GET') return Response.json({ count, bytes });
    bytes += (await req.arrayBuffer()).byteLength;
    count++;
    return new Response('{"id":"00000000000000000000000000000000"}', { headers: { 'content-type': 'application/json' } });
  },
});
console.log(`listening on http://127.0.0.1:${server.port}`);
export {};

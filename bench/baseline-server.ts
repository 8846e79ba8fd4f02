// Baseline for the capture benchmark: a bare Bun.serve that reads the body and answers {"id": …}.
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  async fetch(req) {
    await req.arrayBuffer();
    return new Response('{"id":"00000000000000000000000000000000"}', { headers: { 'content-type': 'application/json' } });
  },
});
console.log(`listening on http://127.0.0.1:${server.port}`);
export {};

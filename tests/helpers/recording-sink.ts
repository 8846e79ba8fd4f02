// A stand-in ingest server for harness tests: records every request exactly as it arrived and
// answers 200 {"id": ...}. It knows nothing about Sentry routes or auth on purpose, so it shows what
// the SDKs send rather than what Undertaker accepts. Loopback only.

import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

export interface RecordedRequest {
  method: string;
  /** Full URL as received, with the query string. */
  url: string;
  /** Path without the query string, e.g. /api/1/envelope/. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  contentEncoding: string | null;
  /** The request arrived with Transfer-Encoding: chunked (no Content-Length). */
  chunked: boolean;
  /** Body bytes as sent (still compressed). */
  rawBody: Uint8Array;
  /** Body after undoing Content-Encoding (gzip, deflate, br); equal to rawBody when not encoded. */
  body: Uint8Array;
  /** Set when the Content-Encoding could not be undone; body then holds the raw bytes. */
  decodeError?: string;
  receivedAt: number;
}

export interface RecordingSink {
  /** Base URL, http://127.0.0.1:<port> (no trailing slash). */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** A DSN pointing at the sink: http://<32 hex>@127.0.0.1:<port>/<projectId>. */
  dsn(projectId?: number, publicKey?: string): string;
  /** Resolves once `count` requests were recorded, or rejects after timeoutMs. */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  stop(): void;
}

export const SINK_PUBLIC_KEY = '0123456789abcdef0123456789abcdef';

function decode(encoding: string | null, raw: Uint8Array): { body: Uint8Array; decodeError?: string } {
  const name = encoding?.trim().toLowerCase();
  if (!name || name === 'identity') return { body: raw };
  try {
    if (name === 'gzip' || name === 'x-gzip') return { body: gunzipSync(raw) };
    if (name === 'br') return { body: brotliDecompressSync(raw) };
    if (name === 'deflate') {
      // zlib-wrapped per RFC 9110, but some clients send raw deflate.
      try {
        return { body: inflateSync(raw) };
      } catch {
        return { body: inflateRawSync(raw) };
      }
    }
    return { body: raw, decodeError: `unsupported content-encoding ${name}` };
  } catch (err) {
    return { body: raw, decodeError: `${name}: ${(err as Error).message}` };
  }
}

/** The envelope header's event_id if the body starts with a JSON header line that has one. */
function envelopeEventId(body: Uint8Array): string | undefined {
  const end = body.indexOf(0x0a);
  try {
    const header = JSON.parse(new TextDecoder().decode(end === -1 ? body : body.subarray(0, end)));
    return typeof header?.event_id === 'string' ? header.event_id : undefined;
  } catch {
    return undefined;
  }
}

export async function startRecordingSink(): Promise<RecordingSink> {
  const requests: RecordedRequest[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const rawBody = new Uint8Array(await req.arrayBuffer());
      const contentEncoding = req.headers.get('content-encoding');
      const url = new URL(req.url);
      const { body, decodeError } = decode(contentEncoding, rawBody);
      const headers: Record<string, string> = {};
      req.headers.forEach((value, name) => {
        headers[name] = value;
      });
      requests.push({
        method: req.method,
        url: req.url,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        contentEncoding,
        chunked: (req.headers.get('transfer-encoding') ?? '').toLowerCase().includes('chunked'),
        rawBody,
        body,
        ...(decodeError ? { decodeError } : {}),
        receivedAt: Date.now(),
      });
      return Response.json({ id: envelopeEventId(body) ?? crypto.randomUUID().replaceAll('-', '') });
    },
  });
  const port = server.port;
  if (port === undefined) throw new Error('recording sink did not get a port');
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    requests,
    dsn: (projectId = 1, publicKey = SINK_PUBLIC_KEY) => `http://${publicKey}@127.0.0.1:${port}/${projectId}`,
    async waitForRequests(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`recording sink: expected ${count} requests, got ${requests.length} in ${timeoutMs} ms`);
        }
        await Bun.sleep(10);
      }
      return requests;
    },
    stop: () => server.stop(true),
  };
}

export interface EnvelopeItem {
  header: Record<string, unknown>;
  payload: Uint8Array;
  /** The payload parsed as JSON, when it is JSON. */
  json?: unknown;
}

export interface ParsedEnvelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

/**
 * Minimal envelope reader for harness assertions (not the product's parser): a JSON header line,
 * then items of a JSON header line plus a payload of `length` bytes or up to the next newline.
 */
export function parseEnvelope(body: Uint8Array): ParsedEnvelope {
  const text = new TextDecoder();
  let pos = 0;
  const readLine = (): Uint8Array => {
    const end = body.indexOf(0x0a, pos);
    const line = body.subarray(pos, end === -1 ? body.length : end);
    pos = end === -1 ? body.length : end + 1;
    return line;
  };
  const header = JSON.parse(text.decode(readLine())) as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  while (pos < body.length) {
    const headerLine = readLine();
    if (headerLine.length === 0) continue;
    const itemHeader = JSON.parse(text.decode(headerLine)) as Record<string, unknown>;
    let payload: Uint8Array;
    if (typeof itemHeader.length === 'number') {
      payload = body.subarray(pos, pos + itemHeader.length);
      pos += itemHeader.length;
      if (body[pos] === 0x0a) pos += 1;
    } else {
      payload = readLine();
    }
    let json: unknown;
    try {
      json = JSON.parse(text.decode(payload));
    } catch {
      json = undefined;
    }
    items.push({ header: itemHeader, payload, ...(json !== undefined ? { json } : {}) });
  }
  return { header, items };
}

/**
 * A byte-exact `multipart/form-data` reader (RFC 7578) for crash uploads: parts keep their bytes,
 * only part headers are decoded. Throws `BadRequestError('invalid multipart data')` on bad framing.
 */
import { BadRequestError } from '../shared/errors.ts';

export interface MultipartPart {
  /** `name` from Content-Disposition, or null. */
  name: string | null;
  /** `filename` from Content-Disposition; set for file fields only. */
  filename: string | null;
  contentType: string | null;
  data: Uint8Array;
}

const CRLF = new Uint8Array([0x0d, 0x0a]);
const utf8 = new TextDecoder('utf-8');

/** The `boundary` parameter of a multipart Content-Type, or null. */
export function boundaryFromContentType(contentType: string | null | undefined): string | null {
  const m = /;\s*boundary\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(contentType ?? '');
  const boundary = m ? (m[1] ?? m[2] ?? '') : '';
  return boundary === '' ? null : boundary.replace(/\\(.)/g, '$1');
}

/**
 * The boundary of a body that itself starts with one (after blank lines): old Electron SDKs nest a
 * whole multipart body inside the minidump field. Null when the bytes do not start that way.
 */
export function leadingBoundary(data: Uint8Array): string | null {
  let i = 0;
  while (data[i] === 0x0d || data[i] === 0x0a) i++;
  if (data[i] !== 0x2d || data[i + 1] !== 0x2d) return null;
  let end = i + 2;
  while (end < data.length && data[end] !== 0x0d && data[end] !== 0x0a) end++;
  if (end - i <= 2 || end - i > 200) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(i + 2, end));
  } catch {
    return null;
  }
}

/** Splits a multipart body into its parts, in order. The final `--boundary--` is required. */
export function parseMultipart(body: Uint8Array, boundary: string): MultipartPart[] {
  const delimiter = new TextEncoder().encode(`--${boundary}`);
  let at = indexOf(body, delimiter, 0);
  if (at < 0) fail(`the body never contains the boundary "--${boundary}"`);
  const parts: MultipartPart[] = [];
  for (;;) {
    let cursor = at + delimiter.length;
    if (body[cursor] === 0x2d && body[cursor + 1] === 0x2d) return parts;
    cursor = skipLinearWhitespace(body, cursor);
    if (!startsWith(body, CRLF, cursor) && body[cursor] !== 0x0a) fail(`no line break after the boundary at byte ${at}`);
    cursor += body[cursor] === 0x0a ? 1 : 2;
    const next = findDelimiter(body, delimiter, cursor);
    if (next === null) fail('the body ends before the closing boundary');
    parts.push(readPart(body.subarray(cursor, next.start)));
    at = next.at;
  }
}

// --- internal ---

function fail(cause: string): never {
  throw new BadRequestError('invalid multipart data', [cause]);
}

/** The next delimiter line: CRLF (or a bare LF) then `--boundary`. `start` is where the part ends. */
function findDelimiter(body: Uint8Array, delimiter: Uint8Array, from: number): { start: number; at: number } | null {
  let i = from;
  for (;;) {
    const at = indexOf(body, delimiter, i);
    if (at < 0) return null;
    if (at === from) return { start: from, at };
    if (body[at - 1] === 0x0a) return { start: body[at - 2] === 0x0d ? at - 2 : at - 1, at };
    i = at + 1;
  }
}

function readPart(raw: Uint8Array): MultipartPart {
  let headerEnd = indexOf(raw, new Uint8Array([0x0d, 0x0a, 0x0d, 0x0a]), 0);
  let bodyStart = headerEnd + 4;
  const lfOnly = indexOf(raw, new Uint8Array([0x0a, 0x0a]), 0);
  if (lfOnly >= 0 && (headerEnd < 0 || lfOnly < headerEnd)) {
    headerEnd = lfOnly;
    bodyStart = lfOnly + 2;
  }
  // A part with no blank line has headers only (an empty value).
  if (headerEnd < 0) {
    headerEnd = raw.length;
    bodyStart = raw.length;
  }
  const headers = parseHeaders(utf8.decode(raw.subarray(0, headerEnd)));
  const disposition = headers.get('content-disposition') ?? '';
  return {
    name: dispositionParam(disposition, 'name'),
    filename: dispositionParam(disposition, 'filename'),
    contentType: headers.get('content-type') ?? null,
    data: raw.subarray(bodyStart),
  };
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** A Content-Disposition parameter; quoted strings may escape `"` and `\`. `filename*` is RFC 5987. */
function dispositionParam(disposition: string, key: string): string | null {
  const extended = new RegExp(`;\\s*${key}\\*\\s*=\\s*([^;]+)`, 'i').exec(disposition);
  if (extended) {
    const value = extended[1]!.trim().replace(/^[^']*'[^']*'/, '');
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  const m = new RegExp(`;\\s*${key}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(disposition);
  if (!m) return null;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!.trim();
}

function skipLinearWhitespace(body: Uint8Array, from: number): number {
  let i = from;
  while (body[i] === 0x20 || body[i] === 0x09) i++;
  return i;
}

function startsWith(body: Uint8Array, needle: Uint8Array, at: number): boolean {
  for (let j = 0; j < needle.length; j++) if (body[at + j] !== needle[j]) return false;
  return true;
}

function indexOf(body: Uint8Array, needle: Uint8Array, from: number): number {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).indexOf(needle, from);
}

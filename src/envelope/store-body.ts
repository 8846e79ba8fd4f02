/**
 * Legacy store-endpoint bodies: JSON, base64(JSON), base64(zlib(JSON)), with the
 * bare NaN/Infinity tokens old Python clients emit. Pure: bytes in, event out.
 * @see https://develop.sentry.dev/sdk/store/
 */
import { inflateSync } from 'node:zlib';
import { BadRequestError } from '../shared/errors.ts';
import type { JsonObject } from './types.ts';

/** Store bodies are capped at Relay's max_event_size, so inflating is bounded too. */
const MAX_EVENT_BYTES = 1024 * 1024;

/** Decodes a store-endpoint body (after HTTP Content-Encoding) into its event object. */
export function decodeStoreBody(body: Uint8Array, maxBytes = MAX_EVENT_BYTES): JsonObject {
  const text = jsonText(body, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      value = JSON.parse(replaceNonFiniteTokens(text));
    } catch (error) {
      throw new BadRequestError('invalid event: the store body is not JSON', [(error as Error).message]);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError('invalid event: the store body is not a JSON object');
  }
  return value as JsonObject;
}

/** Replaces bare NaN, Infinity and -Infinity tokens (outside strings) with null. */
export function replaceNonFiniteTokens(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    const token = /^(-?Infinity|NaN)/.exec(text.slice(i, i + 9));
    if (!inString && token) {
      out += 'null';
      i += token[0].length - 1;
      continue;
    }
    out += c;
  }
  return out;
}

// --- internal ---

const decoder = new TextDecoder('utf-8', { fatal: false });

function looksLikeJsonScalar(body: Uint8Array): boolean {
  const text = decoder.decode(body.subarray(0, 64)).trim();
  return /^(null|true|false|-?\d|")/.test(text) && !/^[A-Za-z0-9+/]{16,}={0,2}$/.test(decoder.decode(body).trim());
}

function jsonText(body: Uint8Array, maxBytes: number): string {
  const first = body.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first === 0x7b) return decoder.decode(body);
  // Other JSON (an array, null, a number) is still JSON: say that it is not an object, not that it is not base64.
  if (first === 0x5b || looksLikeJsonScalar(body)) return decoder.decode(body);
  let raw: Uint8Array;
  try {
    raw = Uint8Array.from(atob(decoder.decode(body).trim()), (c) => c.charCodeAt(0));
  } catch {
    throw new BadRequestError('invalid event: the store body is neither JSON nor base64');
  }
  if (raw[0] === 0x7b) return decoder.decode(raw);
  try {
    return decoder.decode(inflateSync(raw, { maxOutputLength: maxBytes }));
  } catch (error) {
    throw new BadRequestError('invalid event: the base64 store body is neither JSON nor zlib', [(error as Error).message]);
  }
}

import { describe, expect, it } from 'bun:test';
import { authHeader, type Dsn, dsnToString, envelopeUrl, parseDsn } from '../../src/envelope/dsn.ts';
import { ConfigError } from '../../src/shared/errors.ts';

const KEY = '0123456789abcdef0123456789abcdef';

const VALID: Array<{ name: string; input: string; dsn: Dsn; url: string }> = [
  {
    name: 'a SaaS DSN',
    input: `https://${KEY}@o1.ingest.us.sentry.io/42`,
    dsn: { protocol: 'https', publicKey: KEY, host: 'o1.ingest.us.sentry.io', pathPrefix: '', projectId: '42' },
    url: 'https://o1.ingest.us.sentry.io/api/42/envelope/',
  },
  {
    name: 'a multi-segment path prefix and a port (protocol.md §1.2)',
    input: `https://${KEY}@errors.example.com:8443/sentry/eu/42`,
    dsn: { protocol: 'https', publicKey: KEY, host: 'errors.example.com', port: 8443, pathPrefix: '/sentry/eu', projectId: '42' },
    url: 'https://errors.example.com:8443/sentry/eu/api/42/envelope/',
  },
  {
    name: 'F18: a prefix with a trailing slash',
    input: `https://${KEY}@obs.example/sentry/848/`,
    dsn: { protocol: 'https', publicKey: KEY, host: 'obs.example', pathPrefix: '/sentry', projectId: '848' },
    url: 'https://obs.example/sentry/api/848/envelope/',
  },
  {
    name: 'a deprecated secret, local http and surrounding spaces',
    input: '  http://public:secret@127.0.0.1:9000/1 ',
    dsn: { protocol: 'http', publicKey: 'public', secretKey: 'secret', host: '127.0.0.1', port: 9000, pathPrefix: '', projectId: '1' },
    url: 'http://127.0.0.1:9000/api/1/envelope/',
  },
  {
    name: 'repeated slashes and a default port',
    input: `https://${KEY}@sentry.example:443//a//b///7`,
    dsn: { protocol: 'https', publicKey: KEY, host: 'sentry.example', pathPrefix: '/a/b', projectId: '7' },
    url: 'https://sentry.example/a/b/api/7/envelope/',
  },
  {
    name: 'an IPv6 host',
    input: 'http://k@[::1]:8000/3',
    dsn: { protocol: 'http', publicKey: 'k', host: '[::1]', port: 8000, pathPrefix: '', projectId: '3' },
    url: 'http://[::1]:8000/api/3/envelope/',
  },
];

const INVALID: Array<{ name: string; input: string; message: string }> = [
  { name: 'an empty string', input: '', message: 'invalid DSN (empty): not a URL; expected https://<public_key>@sentry.example.com/42' },
  { name: 'text that is not a URL', input: 'sentry', message: 'invalid DSN "sentry": not a URL; expected https://<public_key>@sentry.example.com/42' },
  { name: 'an ftp scheme', input: 'ftp://k@h/1', message: 'invalid DSN "ftp://k@h/1": scheme "ftp" is not supported; use http or https' },
  { name: 'a missing public key', input: 'https://h.example/1', message: 'invalid DSN "https://h.example/1": the public key is missing; expected https://<public_key>@sentry.example.com/42' },
  { name: 'a missing project id', input: 'https://k@h.example/', message: 'invalid DSN "https://k@h.example/": the project id is missing; it is the last path segment, as in https://<public_key>@sentry.example.com/42' },
  { name: 'a non-numeric project id', input: 'https://k@h.example/sentry/abc', message: 'invalid DSN "https://k@h.example/sentry/abc": project id "abc" must be a number (the last path segment)' },
  { name: 'a malformed %-escape in the key', input: 'https://k%zz@h.example/1', message: 'invalid DSN "https://k%zz@h.example/1": the public key has a malformed %-escape' },
  { name: 'a query string, without echoing the secret', input: 'https://k:s3cret@h.example/1?x=1', message: 'invalid DSN "https://k:***@h.example/1?x=1": a DSN has no query string or fragment' },
];

describe('parseDsn', () => {
  it.each(VALID)('parses $name', ({ input, dsn }) => {
    expect(parseDsn(input)).toEqual(dsn);
  });

  it.each(INVALID)('rejects $name with a ConfigError', ({ input, message }) => {
    let caught: unknown;
    try {
      parseDsn(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe(message);
  });
});

describe('envelopeUrl', () => {
  it.each(VALID)('builds the envelope URL for $name', ({ input, url }) => {
    expect(envelopeUrl(parseDsn(input))).toBe(url);
  });
});

describe('authHeader', () => {
  it('names the key, protocol version 7 and the client, and leaves the secret out', () => {
    const dsn = parseDsn('http://public:secret@127.0.0.1:9000/1');
    expect(authHeader(dsn, 'undertaker/0.1.0')).toBe(
      'Sentry sentry_key=public, sentry_version=7, sentry_client=undertaker/0.1.0',
    );
  });
});

describe('dsnToString', () => {
  const dsn = parseDsn('https://public:secret@errors.example.com:8443/sentry/eu/42/');

  it('omits the secret by default', () => {
    expect(dsnToString(dsn)).toBe('https://public@errors.example.com:8443/sentry/eu/42');
  });

  it('includes the secret when asked', () => {
    expect(dsnToString(dsn, true)).toBe('https://public:secret@errors.example.com:8443/sentry/eu/42');
  });

  it.each(VALID)('round-trips $name through parseDsn', ({ input }) => {
    const parsed = parseDsn(input);
    expect(parseDsn(dsnToString(parsed, true))).toEqual(parsed);
  });
});

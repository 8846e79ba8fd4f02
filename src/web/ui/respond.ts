/**
 * Responses of the page: HTML with a strict Content-Security-Policy (scripts and styles only from
 * this server, never inline script) and the embedded assets, imported as text so the compiled
 * executable carries them and the page works with no network.
 */
import clientScript from './app.client.js' with { type: 'text' };
import styleSheet from './style.css' with { type: 'text' };

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Inline style attributes only position timeline bars and size chart columns.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export function htmlPage(html: string | Promise<string>, status = 200): Promise<Response> {
  return Promise.resolve(html).then(
    (body) =>
      new Response(body, {
        status,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': CSP,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'cache-control': 'no-store',
        },
      }),
  );
}

const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#362d59"/>' +
  '<path d="M11 25V12a5 5 0 0 1 10 0v13z" fill="none" stroke="#e1dcf3" stroke-width="2.4"/><path d="M16 13v7M13 16h6" stroke="#f5a1c0" stroke-width="2.4"/></svg>';

/** Embedded assets by path; the page references them as /ui/<name>. */
export const ASSETS: Record<string, { type: string; body: string }> = {
  'app.js': { type: 'text/javascript; charset=utf-8', body: clientScript },
  'style.css': { type: 'text/css; charset=utf-8', body: styleSheet },
  'favicon.svg': { type: 'image/svg+xml', body: FAVICON },
};

export function assetResponse(name: string): Response | null {
  const asset = ASSETS[name];
  if (!asset) return null;
  return new Response(asset.body, { headers: { 'content-type': asset.type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' } });
}

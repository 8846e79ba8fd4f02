/**
 * One error mapping for the admin routes: JSON `{"error":{"code","message"}}` under /api, a
 * short HTML page elsewhere. Stacks never leave the server; unexpected errors are logged.
 */
import { Elysia } from 'elysia';
import { UndertakerError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { renderMessage } from '../ui/message.tsx';
import { htmlPage } from '../ui/respond.ts';

export function createErrorMapping(deps: { logger: Logger; loggedIn: boolean }) {
  return new Elysia({ name: 'admin-errors' }).onError({ as: 'scoped' }, ({ code, error, request }) => {
    const { status, kind, message } = describe(code, error);
    const path = new URL(request.url).pathname;
    if (status >= 500) deps.logger.error(`${request.method} ${path} failed: ${(error as Error)?.stack ?? String(error)}`);
    // An unknown /api/ path may be an SDK pointed at the wrong place: logged once, like a refused capture.
    else if (code === 'NOT_FOUND') deps.logger.warn(`rejected ${request.method} ${path}: 404 ${message}`);
    if (path.startsWith('/api/') || path === '/openapi') return Response.json({ error: { code: kind, message } }, { status });
    return htmlPage(renderMessage({ title: status === 404 ? 'Not found' : status < 500 ? 'Bad request' : 'Something went wrong', text: message, loggedIn: deps.loggedIn }), status);
  });
}

// --- internal ---

function describe(code: unknown, error: unknown): { status: number; kind: string; message: string } {
  if (error instanceof UndertakerError) return { status: error.status, kind: error.code, message: error.message };
  if (code === 'VALIDATION') return { status: 400, kind: 'bad_request', message: validationMessage(error) };
  if (code === 'PARSE') return { status: 400, kind: 'bad_request', message: 'the request body is not valid JSON' };
  if (code === 'NOT_FOUND') return { status: 404, kind: 'not_found', message: 'no such route' };
  return { status: 500, kind: 'internal', message: 'internal error; the server log has the details' };
}

/**
 * `cursor: Expected string to match '^[0-9]+$'`, from Elysia's first validation issue. Numeric
 * query values are checked after conversion without their name, so those quote the bad value.
 */
function validationMessage(error: unknown): string {
  const e = error as { all?: { path?: string; summary?: string; message?: string; value?: unknown }[]; type?: string };
  const first = Array.isArray(e.all) ? e.all[0] : undefined;
  if (!first) return `invalid ${e.type ?? 'request'}`;
  const what = first.summary ?? first.message ?? 'invalid value';
  if (first.path) return `${first.path.replace(/^\//, '').replaceAll('/', '.')}: ${what}`;
  return `invalid ${e.type === 'property' ? 'query parameter' : (e.type ?? 'request')} ${JSON.stringify(first.value)}: ${what}`;
}

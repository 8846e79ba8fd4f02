/**
 * Which admin token `serve` uses: the one given, or — when the server is reachable from other
 * machines and none was given — a fresh random one, printed once to stderr.
 */
import { ConfigError } from '../shared/errors.ts';
import { generateAdminToken, isLoopbackHost, MIN_TOKEN_LENGTH } from '../web/auth.ts';

export interface AdminAccess {
  token: string | undefined;
  generated: boolean;
}

export function resolveAdminToken(host: string, given: string | undefined): AdminAccess {
  if (given !== undefined && given !== '') {
    if (given.length < MIN_TOKEN_LENGTH) {
      throw new ConfigError(`--admin-token must be at least ${MIN_TOKEN_LENGTH} characters (try \`openssl rand -hex 16\`)`);
    }
    return { token: given, generated: false };
  }
  // Loopback-only servers stay open, as before: only this machine can reach the page.
  if (isLoopbackHost(host)) return { token: undefined, generated: false };
  return { token: generateAdminToken(), generated: true };
}

/** The stderr lines that tell a person how to open the page. */
export function describeAdminAccess(access: AdminAccess, url: string): string {
  if (!access.token) return `page and API: ${url}/ (no admin token: only this machine can reach them)\n`;
  if (!access.generated) return `page and API: ${url}/ (admin token required: log in at ${url}/login or send Authorization: Bearer <token>)\n`;
  return (
    `page and API: ${url}/ need an admin token because this server is reachable from other machines.\n` +
    `admin token (generated, valid until this process stops): ${access.token}\n` +
    'set --admin-token or UNDERTAKER_ADMIN_TOKEN to keep one across restarts\n'
  );
}

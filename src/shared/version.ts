/** The version, fixed at build time by scripts/build.ts (`define`); "dev" when run from source. */
declare const UNDERTAKER_VERSION: string | undefined;

export const VERSION: string = typeof UNDERTAKER_VERSION === 'string' ? UNDERTAKER_VERSION : '0.1.0-dev';

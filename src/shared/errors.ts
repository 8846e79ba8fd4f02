/**
 * Undertaker's error hierarchy: one class per failure kind, mapped to HTTP once
 * (ingest/web) and to exit codes once (cli/main).
 */
export type ErrorCode =
  | 'config'
  | 'usage'
  | 'envelope_parse'
  | 'auth'
  | 'not_found'
  | 'too_large'
  | 'unsupported_media'
  | 'bad_request'
  | 'upstream'
  | 'store';

export class UndertakerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status = 500,
    options?: ErrorOptions & { causes?: string[] },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.causes = options?.causes ?? [];
  }
  /** Extra detail lines for Relay-style `{"detail","causes"}` bodies. */
  readonly causes: string[];
}

/** A CLI flag or config value is wrong: exit code 2 with the message. */
export class ConfigError extends UndertakerError {
  constructor(message: string, options?: ErrorOptions) {
    super('config', message, 2, options);
  }
}

export type EnvelopeParseReason =
  | 'empty'
  | 'bad-header-json'
  | 'missing-newline'
  | 'length-overflow'
  | 'bad-length'
  | 'bad-item-json';

/** The bytes are not a valid envelope. `offset` is the byte position of the fault. */
export class EnvelopeParseError extends UndertakerError {
  constructor(
    readonly reason: EnvelopeParseReason,
    message: string,
    readonly offset: number,
  ) {
    super('envelope_parse', message, 400);
  }
}

export class AuthError extends UndertakerError {
  constructor(message: string, status: 401 | 403 = 401) {
    super('auth', message, status);
  }
}

export class BadRequestError extends UndertakerError {
  constructor(message: string, causes: string[] = []) {
    super('bad_request', message, 400, { causes });
  }
}

export class PayloadTooLargeError extends UndertakerError {
  constructor(message: string, causes: string[] = []) {
    super('too_large', message, 413, { causes });
  }
}

export class UnsupportedMediaError extends UndertakerError {
  constructor(message: string) {
    super('unsupported_media', message, 415);
  }
}

export class NotFoundError extends UndertakerError {
  constructor(message: string) {
    super('not_found', message, 404);
  }
}

export class StoreError extends UndertakerError {
  constructor(message: string, options?: ErrorOptions) {
    super('store', message, 503, options);
  }
}

export class UpstreamError extends UndertakerError {
  constructor(
    message: string,
    readonly upstreamStatus: number,
    options?: ErrorOptions,
  ) {
    super('upstream', message, 502, options);
  }
}

// Loggers for in-process tests: one that keeps every line as `<level> <message>`, one that drops all.
import type { Logger } from '../../src/shared/logger.ts';

export function recordingLogger(): { logger: Logger; logs: string[] } {
  const logs: string[] = [];
  const logger: Logger = { debug() {}, info: (m) => logs.push(`info ${m}`), warn: (m) => logs.push(`warn ${m}`), error: (m) => logs.push(`error ${m}`) };
  return { logger, logs };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

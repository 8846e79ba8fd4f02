/**
 * Cron schedules (croner): the next start is the expression's next match after now, in the
 * process's time zone (TZ). Runs never overlap: a slot that passes during a run is skipped.
 */
import { Cron } from 'croner';
import { ConfigError } from '../shared/errors.ts';
import { type Schedule, type ScheduleOptions, startSchedule } from './every.ts';

/** The "next match after" function of a cron expression (5 fields, or 6 with seconds first). */
export function parseCron(expression: string, flag = '--cron', timezone?: string): (after: number) => number | null {
  let cron: Cron;
  try {
    cron = new Cron(expression, { paused: true, mode: '5-or-6-parts', ...(timezone ? { timezone } : {}) });
  } catch (error) {
    const why = (error as Error).message.replace(/^CronPattern: /, '');
    throw new ConfigError(`${flag}: "${expression}" is not a cron expression (${why}); e.g. "0 * * * *" is every hour, "*/15 * * * *" every 15 minutes`);
  }
  return (after) => cron.nextRun(new Date(after))?.getTime() ?? null;
}

export interface CronOptions extends Omit<ScheduleOptions, 'next'> {
  expression: string;
  /** IANA zone; the process's local zone by default. */
  timezone?: string;
}

/** Starts a single-flight schedule that runs at each match of the expression (not at once). */
export function startCron(opts: CronOptions): Schedule {
  const nextAfter = parseCron(opts.expression, '--cron', opts.timezone);
  return startSchedule({ ...opts, next: (previous, now) => nextAfter(Math.max(previous ?? now, now)) });
}

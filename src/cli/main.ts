#!/usr/bin/env bun
/**
 * The executable's entry point: dispatches `serve`, `events list|show` and
 * `replay`, maps errors to exit codes, and is the only place that exits.
 */
import { UndertakerError } from '../shared/errors.ts';
import { type CliIo, type CommandSpec, parseCommandArgs, renderHelp } from './command.ts';
import { eventsListCommand, eventsShowCommand } from './events.ts';
import { replayCommand } from './replay.ts';
import { replaysListCommand, replaysShowCommand } from './replays.ts';
import { serveCommand } from './serve.ts';
import { VERSION } from './version.ts';

const COMMANDS: CommandSpec[] = [serveCommand, eventsListCommand, eventsShowCommand, replayCommand, replaysListCommand, replaysShowCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `undertaker ${VERSION}: capture Sentry SDK traffic once, replay it to Sentry forever.`,
    '',
    'Usage: undertaker <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run `undertaker <command> --help` for the options of one command.',
    '',
  ].join('\n');
}

/** Runs the CLI in-process and returns the exit code (tests call this directly). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-V') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (!argv.length || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(usage());
    return argv.length ? 0 : 2;
  }
  const two = `${argv[0]} ${argv[1] ?? ''}`;
  const cmd = COMMANDS.find((c) => c.name === two) ?? COMMANDS.find((c) => c.name === argv[0]);
  const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `));
  if (!cmd && group.length && (argv.length === 1 || argv[1] === '--help' || argv[1] === '-h')) {
    // `undertaker events` alone: list its subcommands.
    const width = Math.max(...group.map((c) => c.name.length)) + 2;
    io.stdout(`Commands:\n${group.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}\n\nRun \`undertaker ${group[0]!.name} --help\` for its options.\n`);
    return argv.length === 1 ? 2 : 0;
  }
  if (!cmd) {
    io.stderr(`unknown command "${argv.slice(0, argv[0] === 'events' || argv[0] === 'replays' ? 2 : 1).join(' ')}"\n\n${usage()}`);
    return 2;
  }
  const rest = argv.slice(cmd.name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(renderHelp(cmd));
    return 0;
  }
  try {
    return await cmd.run(parseCommandArgs(cmd, rest, io.env), io);
  } catch (error) {
    if (error instanceof UndertakerError) {
      io.stderr(`error: ${error.message}\n`);
      return error.code === 'config' ? 2 : 1;
    }
    io.stderr(`unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

/**
 * Writes to a stream, remembering the last write so main can wait for it before exiting:
 * process.exit() right after write() would cut output piped to another program.
 * A reader that went away (EPIPE, e.g. `| head`) is not an error worth a stack trace.
 */
function streamWriter(stream: NodeJS.WriteStream) {
  let last: Promise<void> = Promise.resolve();
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  const write = (chunk: string | Uint8Array) => {
    if (closed) return last;
    last = new Promise<void>((resolve) => {
      stream.write(chunk, () => resolve());
    });
    return last;
  };
  return { write, flushed: () => last };
}

const out = streamWriter(process.stdout);
const err = streamWriter(process.stderr);

function processIo(): CliIo {
  let stopRequests = 0;
  const listeners: (() => void)[] = [];
  const onSignal = () => {
    stopRequests++;
    // A second signal forces exit when a graceful stop hangs.
    if (stopRequests > 1) process.exit(130);
    for (const l of listeners) l();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stdout: (t) => void out.write(t),
    stdoutBytes: (bytes) => out.write(bytes),
    stderr: (t) => void err.write(t),
    env: process.env,
    isTty: !!process.stdout.isTTY,
    stderrIsTty: !!process.stderr.isTTY,
    onStop: (l) => {
      listeners.push(l);
      if (stopRequests) l();
    },
  };
}

if (import.meta.main) {
  const code = await runCli(process.argv.slice(2), processIo());
  await Promise.all([out.flushed(), err.flushed()]);
  process.exit(code);
}

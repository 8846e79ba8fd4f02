// Runs the real-SDK scenarios in tests/sdk/<sdk>/ against a DSN and returns what they report.
//
// Install the SDKs first with `bash tests/setup/install-sdks.sh`. sdkInstalled() reads the stamps
// that script writes, so a stale install (requirements or lock changed since) counts as missing.

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, delimiter, join, resolve } from 'node:path';

export type Sdk = 'python' | 'node';
export const SDKS: readonly Sdk[] = ['python', 'node'];

/** The one JSON line a scenario prints. Only the keys the scenario produced are present. */
export interface ScenarioResult {
  sdk: string;
  version: string;
  /** The error captured by `error`, or inside the transaction for `transaction`. */
  error_event_id?: string;
  /** `all` only: the error captured inside the transaction (error_event_id is the standalone one). */
  transaction_error_event_id?: string;
  transaction_event_id?: string;
  trace_id?: string;
}

export interface ScenarioOptions {
  /** Extra variables for the child, on top of the clean base (e.g. UNDERTAKER_PY_COMPRESSION). */
  env?: Record<string, string>;
  /** Kill the child and throw after this long. Default 60 s. */
  timeoutMs?: number;
  /** Sets UNDERTAKER_SDK_DEBUG=1: the SDK logs to stderr (shown only when the run fails). */
  debug?: boolean;
}

export const REPO_ROOT = resolve(import.meta.dir, '../..');
const PYTHON_DIR = join(REPO_ROOT, 'tests/sdk/python');
const NODE_DIR = join(REPO_ROOT, 'tests/sdk/node');
const VENV = join(REPO_ROOT, '.cache/venv-sdk-python');
const VENV_PYTHON = join(VENV, 'bin/python');
const PY_STAMP = join(VENV, '.undertaker-stamp');
const NODE_STAMP = join(NODE_DIR, 'node_modules/.undertaker-stamp');
const INSTALL_HINT = 'run `bash tests/setup/install-sdks.sh`';

function sha256Of(...files: string[]): string {
  const hasher = new Bun.CryptoHasher('sha256');
  for (const file of files) hasher.update(readFileSync(file));
  return hasher.digest('hex');
}

function readStamp(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** PATH without Bun's `node` shim directories (bun run may prepend one that points at bun). */
function cleanPath(): string {
  return (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
    .split(delimiter)
    .filter((dir) => dir !== '' && !basename(dir).startsWith('bun-node'))
    .join(delimiter);
}

/** The real Node.js binary: the scenario must not run under Bun (which would report itself as node). */
function findNode(): string | null {
  const override = process.env.UNDERTAKER_NODE;
  if (override) return override;
  for (const dir of cleanPath().split(delimiter)) {
    const candidate = join(dir, 'node');
    if (!existsSync(candidate)) continue;
    try {
      if (basename(realpathSync(candidate)).startsWith('bun')) continue;
    } catch {
      continue;
    }
    return candidate;
  }
  return null;
}

/** Why the SDK cannot run, or null when it is installed and up to date. */
export function sdkInstallProblem(sdk: Sdk): string | null {
  if (sdk === 'python') {
    if (!existsSync(VENV_PYTHON)) return `no venv at ${VENV}; ${INSTALL_HINT}`;
    const want = sha256Of(join(PYTHON_DIR, 'requirements.txt'));
    if (readStamp(PY_STAMP) !== want) return `python venv stamp is missing or does not match requirements.txt; ${INSTALL_HINT}`;
    return null;
  }
  if (!findNode()) return 'no `node` binary on PATH (set UNDERTAKER_NODE)';
  if (!existsSync(join(NODE_DIR, 'node_modules/@sentry/node/package.json'))) {
    return `@sentry/node is not installed in ${NODE_DIR}; ${INSTALL_HINT}`;
  }
  const want = sha256Of(join(NODE_DIR, 'package.json'), join(NODE_DIR, 'package-lock.json'));
  if (readStamp(NODE_STAMP) !== want) return `node_modules stamp is missing or does not match package.json + package-lock.json; ${INSTALL_HINT}`;
  return null;
}

export function sdkInstalled(sdk: Sdk): boolean {
  return sdkInstallProblem(sdk) === null;
}

/**
 * Environment for a scenario child: only what a process needs to start, so no proxy variables
 * (http_proxy would route loopback traffic elsewhere) and no SENTRY_* variables leak in.
 */
function childEnv(dsn: string, opts: ScenarioOptions): Record<string, string> {
  const env: Record<string, string> = { PATH: cleanPath(), UNDERTAKER_DSN: dsn };
  for (const name of ['HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  env.PYTHONDONTWRITEBYTECODE = '1';
  env.PYTHONIOENCODING = 'utf-8';
  if (opts.debug) env.UNDERTAKER_SDK_DEBUG = '1';
  return { ...env, ...opts.env };
}

function scenarioCommand(sdk: Sdk, scenario: string): { cmd: string[]; cwd: string } {
  if (sdk === 'python') return { cmd: [VENV_PYTHON, join(PYTHON_DIR, 'scenario.py'), scenario], cwd: PYTHON_DIR };
  const node = findNode();
  if (!node) throw new Error('no `node` binary on PATH (set UNDERTAKER_NODE)');
  return { cmd: [node, join(NODE_DIR, 'scenario.mjs'), scenario], cwd: NODE_DIR };
}

/**
 * Runs tests/sdk/<sdk>/scenario.* with UNDERTAKER_DSN=dsn and returns its JSON line.
 * Throws (with stdout and stderr in the message) on a non-zero exit, a timeout, or output that is
 * not exactly one JSON object line.
 */
export async function runSdkScenario(
  sdk: Sdk,
  scenario: string,
  dsn: string,
  opts: ScenarioOptions = {},
): Promise<ScenarioResult> {
  const problem = sdkInstallProblem(sdk);
  if (problem) throw new Error(`${sdk} SDK not installed: ${problem}`);
  const { cmd, cwd } = scenarioCommand(sdk, scenario);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const started = performance.now();
  const child = Bun.spawn(cmd, { cwd, env: childEnv(dsn, opts), stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]).finally(() => clearTimeout(timer));
  const elapsed = Math.round(performance.now() - started);

  const describe = (why: string) =>
    new Error(
      `${sdk} scenario '${scenario}' ${why} after ${elapsed} ms\n` +
        `command: ${cmd.join(' ')}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
    );
  if (timedOut) throw describe(`timed out (${timeoutMs} ms) and was killed`);
  if (exitCode !== 0) throw describe(`exited with code ${exitCode}`);

  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  if (lines.length !== 1) throw describe(`printed ${lines.length} stdout lines, expected one JSON line`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(lines[0]!);
  } catch {
    throw describe('printed no JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as ScenarioResult).sdk !== 'string') {
    throw describe('printed JSON without an "sdk" field');
  }
  return parsed as ScenarioResult;
}

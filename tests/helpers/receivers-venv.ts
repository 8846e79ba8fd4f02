// Where the real receivers (Bugsink, sentry-relay's normaliser) are installed, and whether that
// install is current. tests/setup/install-receivers.sh writes the stamp this module checks.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dir, '../..');
export const RECEIVERS_VENV = join(ROOT, '.cache/venv-receivers');
export const RECEIVERS_PYTHON = join(RECEIVERS_VENV, 'bin/python');
const PIN_FILES = ['receivers-requirements.txt', 'receivers-constraints.txt'].map((f) => join(ROOT, 'tests/setup', f));
const STAMP = join(RECEIVERS_VENV, '.undertaker-stamp');
const HINT = 'run `bash tests/setup/install-receivers.sh`';

/** Why the receivers cannot run, or null when the venv matches the pin files (hashed as the script does). */
export function receiversInstallProblem(): string | null {
  if (!existsSync(RECEIVERS_PYTHON)) return `no venv at ${RECEIVERS_VENV}; ${HINT}`;
  const hasher = new Bun.CryptoHasher('sha256');
  for (const file of PIN_FILES) hasher.update(readFileSync(file));
  const want = hasher.digest('hex');
  let have = '';
  try {
    have = readFileSync(STAMP, 'utf8').trim();
  } catch {}
  return have === want ? null : `receivers venv stamp is missing or does not match tests/setup/receivers-*.txt; ${HINT}`;
}

/**
 * Whether receiver tests must skip; throws instead when the suite requires real dependencies
 * (tests/setup/run-all.sh exports UNDERTAKER_REQUIRE_SDKS; UNDERTAKER_REQUIRE_RECEIVERS also works).
 */
export function skipWithoutReceivers(): boolean {
  const problem = receiversInstallProblem();
  const required = process.env.UNDERTAKER_REQUIRE_RECEIVERS || process.env.UNDERTAKER_REQUIRE_SDKS;
  if (problem && required) throw new Error(`receivers required but missing: ${problem}`);
  return problem !== null;
}

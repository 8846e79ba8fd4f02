// Refreshes the golden SDK fixtures (tests/fixtures/sdk/<sdk>@<version>/) and docs/sdks.md in one command:
// runs the real-SDK end-to-end suites with UNDERTAKER_REFRESH_FIXTURES=1 (each suite rewrites its SDK's
// folder only when all of its tests passed), then regenerates the coverage matrix.
//
//   npx bun scripts/refresh-sdk-fixtures.ts              every SDK (tests/e2e/sdk/ and the browser suite)
//   npx bun scripts/refresh-sdk-fixtures.ts go java      only these suites (file names in tests/e2e/sdk/)
//
// Needs the SDKs installed first: `bash tests/setup/install-sdks.sh` (and install-browser.sh for the browser).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../tests/helpers/sdk-registry.ts';

const BROWSER_SUITE = 'tests/e2e/browser.e2e.test.ts';
const names = process.argv.slice(2);
const suites = names.length
  ? names.map((name) => (name === 'browser' ? BROWSER_SUITE : `tests/e2e/sdk/${name}.e2e.test.ts`))
  : ['tests/e2e/sdk/', ...(existsSync(join(REPO_ROOT, BROWSER_SUITE)) ? [BROWSER_SUITE] : [])];
for (const suite of suites) {
  if (!existsSync(join(REPO_ROOT, suite))) throw new Error(`no such suite: ${suite}`);
}

const test = Bun.spawnSync([process.execPath, 'test', '--timeout', '120000', ...suites], {
  cwd: REPO_ROOT,
  env: { ...process.env, UNDERTAKER_REFRESH_FIXTURES: '1', UNDERTAKER_REQUIRE_SDKS: '1' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const matrix = Bun.spawnSync([process.execPath, join(REPO_ROOT, 'scripts/gen-sdk-matrix.ts')], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
if (test.exitCode !== 0) console.error('some SDK suites failed: their fixtures were left as they were (see above)');
process.exit(test.exitCode || matrix.exitCode);

// The install scripts (tests/setup/sdk-lib.sh) and the harness (tests/helpers/sdk-registry.ts) must agree
// on each SDK's stamp inputs and stamp path, or a fresh install would always count as stale (or a
// stale one as fresh).
import { expect, it } from 'bun:test';
import { REPO_ROOT, SDK_SPECS, SDKS } from '../helpers/sdk-registry.ts';

it('lists the same SDKs, stamp inputs and stamp paths as the install script', () => {
  const out = Bun.spawnSync(['bash', 'tests/setup/install-sdks.sh', '--print-inputs'], { cwd: REPO_ROOT });
  expect(out.exitCode).toBe(0);
  const fromScript = out.stdout
    .toString()
    .trim()
    .split('\n')
    .map((line) => {
      const [sdk, inputs, stamp] = line.split('|');
      return { sdk, inputs: inputs!.split(' '), stamp };
    });
  expect(fromScript).toEqual(SDKS.map((sdk) => ({ sdk, inputs: SDK_SPECS[sdk].stampInputs, stamp: SDK_SPECS[sdk].stamp })));
});

/**
 * Builds the single executable dist/undertaker with `bun build --compile`.
 * Migrations are imported as text by the source, so they are embedded; the
 * version comes from package.json through a build-time define.
 */
import { join } from 'node:path';
import pkg from '../package.json' with { type: 'json' };

const root = join(import.meta.dir, '..');
const outfile = join(root, 'dist/undertaker');
const cmd = [
  process.execPath,
  'build',
  '--compile',
  '--minify-syntax',
  '--sourcemap=inline',
  `--define=UNDERTAKER_VERSION=${JSON.stringify(pkg.version)}`,
  join(root, 'src/cli/main.ts'),
  '--outfile',
  outfile,
];
const proc = Bun.spawnSync(cmd, { cwd: root, stdout: 'inherit', stderr: 'inherit' });
if (proc.exitCode !== 0) {
  console.error('build failed');
  process.exit(proc.exitCode ?? 1);
}
const check = Bun.spawnSync([outfile, '--version'], { cwd: '/' });
const printed = check.stdout.toString().trim();
if (check.exitCode !== 0 || printed !== pkg.version) {
  console.error(`built binary does not run: exit ${check.exitCode}, printed "${printed}"`);
  process.exit(1);
}
console.log(`built ${outfile} (version ${printed})`);

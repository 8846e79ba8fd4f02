// The real SDKs the harness drives: where each scenario lives, how it is started, which files decide
// whether its install is current (the stamp inputs) and what it is called in fixtures and docs.
// tests/setup/sdk-lib.sh lists the same stamp inputs and stamp paths; install-inputs.test.ts checks that.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dir, '../..');
const CACHE = join(REPO_ROOT, '.cache');

export type Sdk = 'python' | 'python1' | 'python014' | 'raven' | 'node' | 'node7' | 'go' | 'java' | 'rust';

export interface SdkSpec {
  id: Sdk;
  /** Fixture and docs name: tests/fixtures/sdk/<name>@<version>/. */
  name: string;
  /** The package as its registry names it. */
  package: string;
  /** The pinned version (also what the scenario must report). */
  version: string;
  /** The runtime the scenario runs on, for the docs. */
  runtime: string;
  /** Files (repository-relative) whose sha256 the install stamp holds. */
  stampInputs: string[];
  /** Repository-relative path of the stamp written by the install script. */
  stamp: string;
  /** A file that exists only after a successful install or build. */
  installedMarker: string;
  /**
   * The command that runs one scenario, as interpreter kind plus arguments:
   * `node` is resolved to a real Node.js binary at run time (never Bun's shim).
   */
  command(scenario: string): { cmd: string[]; cwd: string };
}

const sdkDir = (id: string) => join(REPO_ROOT, 'tests/sdk', id);

function pythonSpec(id: Sdk, name: string, pkg: string, version: string, venv: string): SdkSpec {
  return {
    id,
    name,
    package: pkg,
    version,
    runtime: 'CPython 3.11',
    stampInputs: [`tests/sdk/${id}/requirements.txt`],
    stamp: `.cache/${venv}/.undertaker-stamp`,
    installedMarker: `.cache/${venv}/bin/python`,
    command: (scenario) => ({ cmd: [join(CACHE, venv, 'bin/python'), join(sdkDir(id), 'scenario.py'), scenario], cwd: sdkDir(id) }),
  };
}

function nodeSpec(id: Sdk, version: string): SdkSpec {
  return {
    id,
    name: 'node',
    package: '@sentry/node',
    version,
    runtime: 'Node.js 20',
    stampInputs: [`tests/sdk/${id}/package.json`, `tests/sdk/${id}/package-lock.json`],
    stamp: `tests/sdk/${id}/node_modules/.undertaker-stamp`,
    installedMarker: `tests/sdk/${id}/node_modules/@sentry/node/package.json`,
    command: (scenario) => ({ cmd: ['node', join(sdkDir(id), 'scenario.mjs'), scenario], cwd: sdkDir(id) }),
  };
}

export const SDK_SPECS: Record<Sdk, SdkSpec> = {
  python: pythonSpec('python', 'python', 'sentry-sdk', '2.75.0', 'venv-sdk-python'),
  python1: pythonSpec('python1', 'python', 'sentry-sdk', '1.45.1', 'venv-sdk-python1'),
  python014: pythonSpec('python014', 'python', 'sentry-sdk', '0.14.2', 'venv-sdk-python014'),
  raven: pythonSpec('raven', 'raven', 'raven', '6.10.0', 'venv-sdk-raven'),
  node: nodeSpec('node', '11.12.0'),
  node7: nodeSpec('node7', '7.120.4'),
  go: {
    id: 'go',
    name: 'go',
    package: 'github.com/getsentry/sentry-go',
    version: '0.46.2',
    runtime: 'Go 1.26',
    stampInputs: ['tests/sdk/go/go.mod', 'tests/sdk/go/go.sum', 'tests/sdk/go/main.go'],
    stamp: '.cache/go/bin/.undertaker-stamp',
    installedMarker: '.cache/go/bin/scenario',
    command: (scenario) => ({ cmd: [join(CACHE, 'go/bin/scenario'), scenario], cwd: sdkDir('go') }),
  },
  java: {
    id: 'java',
    name: 'java',
    package: 'io.sentry:sentry',
    version: '8.64.0',
    runtime: 'OpenJDK 17',
    stampInputs: ['tests/sdk/java/pom.xml', 'tests/sdk/java/src/main/java/harness/Scenario.java'],
    stamp: 'tests/sdk/java/target/.undertaker-stamp',
    installedMarker: 'tests/sdk/java/target/classpath.txt',
    command: (scenario) => {
      const target = join(sdkDir('java'), 'target');
      const deps = readFileSync(join(target, 'classpath.txt'), 'utf8').trim();
      return { cmd: ['java', '-cp', `${join(target, 'classes')}:${deps}`, 'harness.Scenario', scenario], cwd: sdkDir('java') };
    },
  },
  rust: {
    id: 'rust',
    name: 'rust',
    package: 'sentry (crate)',
    version: '0.49.5',
    runtime: 'Rust 1.95 (debug build)',
    stampInputs: ['tests/sdk/rust/Cargo.toml', 'tests/sdk/rust/Cargo.lock', 'tests/sdk/rust/src/main.rs'],
    stamp: '.cache/cargo/.undertaker-stamp',
    installedMarker: '.cache/cargo/target/debug/scenario',
    command: (scenario) => ({ cmd: [join(CACHE, 'cargo/target/debug/scenario'), scenario], cwd: sdkDir('rust') }),
  },
};

export const SDKS = Object.keys(SDK_SPECS) as Sdk[];

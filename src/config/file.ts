/** Reading a YAML (or JSON: YAML is a superset) config file, with errors a user can act on. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../shared/errors.ts';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

/** The parsed value of the file (`{}` for an empty one); `kind` names it in errors ("replay config"). */
export function readConfigFile(path: string, kind: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read the ${kind} ${path}: ${(code && REASONS[code]) ?? code ?? (error as Error).message}`);
  }
  try {
    return Bun.YAML.parse(text) ?? {};
  } catch (error) {
    throw new ConfigError(`${path} is not valid YAML or JSON: ${(error as Error).message}`);
  }
}

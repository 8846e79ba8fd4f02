/** The version (see shared/version.ts), re-exported for the CLI. */
export { VERSION } from '../shared/version.ts';

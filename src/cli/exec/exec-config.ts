// The config `switchyard exec` runs: the file given with --config, or one built from the provider
// credentials in the environment (printed, secrets as ${VAR}). Exec keeps no history by default: the
// gateway lives for one step, and a CI runner's disk is not where incidents are kept.
import { loadConfigFile } from '../../config/load-config.js';
import type { SwitchyardConfig } from '../../config/schema.js';
import type { Environment } from './child-environment.js';

export function execConfig(
  path: string | undefined,
  _env: Environment,
  _print: (text: string) => void,
): SwitchyardConfig {
  if (path) return loadConfigFile(path);
  throw new Error('exec: --config is required (building one from the environment is not available yet)');
}

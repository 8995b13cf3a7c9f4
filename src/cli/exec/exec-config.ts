// The config `switchyard exec` runs: the file given with --config, or one built from the provider
// credentials in the environment (printed, secrets as ${VAR}, never their values). A built config
// keeps no history: the gateway lives for one CI step, and a runner's disk is not where incidents
// are kept.
import { configFromEnvironment, describeEnvironmentConfig } from '../../config/from-environment.js';
import { loadConfigFile } from '../../config/load-config.js';
import type { SwitchyardConfig } from '../../config/schema.js';
import type { Environment } from './child-environment.js';

export function execConfig(
  path: string | undefined,
  env: Environment,
  print: (text: string) => void,
): SwitchyardConfig {
  if (path) return loadConfigFile(path);
  const built = configFromEnvironment(env, { host: '127.0.0.1', port: 0, store: false });
  print(describeEnvironmentConfig(built));
  return built.config;
}

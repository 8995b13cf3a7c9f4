// Reads switchyard.yaml: YAML → ${ENV} interpolation → zod schema → cross-reference checks.
// Every problem is reported as `path: message`, all at once.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema, type SwitchyardConfig } from './schema.js';
import { interpolateEnv, type InterpolationProblem } from './interpolate-env.js';
import { validateReferences } from './validate-references.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    // One line: a supervisor's log keeps it whole, and it names where (file, field) and what was expected.
    super(problems.join('; '));
    this.name = 'ConfigError';
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let result = '';
  for (const segment of path) {
    if (typeof segment === 'number') result += `[${segment}]`;
    else result += result ? `.${String(segment)}` : String(segment);
  }
  return result || '(root)';
}

/** Validates an already-parsed document (used by tests and by the loader). */
export function parseConfig(
  document: unknown,
  env: Record<string, string | undefined> = process.env,
): SwitchyardConfig {
  const interpolationProblems: InterpolationProblem[] = [];
  const interpolated = interpolateEnv(document ?? {}, env, interpolationProblems);
  const problems = interpolationProblems.map((problem) => `${problem.path}: ${problem.message}`);
  const parsed = configSchema.safeParse(interpolated);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${formatPath(issue.path)}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  problems.push(...validateReferences(parsed.data));
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}

export function loadConfigText(text: string, env: Record<string, string | undefined> = process.env): SwitchyardConfig {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    // The YAML library adds a code frame on further lines: the first line names the problem and where.
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError([`(yaml): ${message.split('\n', 1)[0]}`]);
  }
  return parseConfig(document, env);
}

export function loadConfigFile(path: string, env: Record<string, string | undefined> = process.env): SwitchyardConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  try {
    return loadConfigText(text, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.problems.map((problem) => `${path}: ${problem}`));
  }
}

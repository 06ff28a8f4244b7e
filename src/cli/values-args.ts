import { join } from 'node:path';
import { PROJECT_ROOT, SCHEMA_FILE } from '../io/project.js';
import type { Issue } from '../issue.js';
import { precompiledValidator } from '../validate/precompiled.js';
import { loadSources, type SourceArguments } from '../validate/values-sources.js';
import type { ParsedArgs } from './args.js';
import { CHART_DIR } from '../io/layout.js';

/**
 * Validates the values files and --set overrides of a command line against the schema, as Helm would merge them.
 * Valid values are decided by the validator `generate` compiled ahead of time; only when it rejects them (or
 * the schema changed since) is the chart model built and the schema compiled, to explain every problem.
 */
export async function checkValues(args: ParsedArgs): Promise<{ values: Record<string, unknown>; issues: Issue[] }> {
  const { valuesFiles: files, ...sets } = valuesSourcesOf(args);
  const defaultsFile = join(CHART_DIR, 'values.yaml');
  const sources: Omit<SourceArguments, 'defaults'> = { files, ...sets, defaultsFile };
  const precompiled = await precompiledValidator(SCHEMA_FILE);
  if (!precompiled) {
    const [{ projectModel }, { validateSources }] = await Promise.all([import('../project-model.js'), import('../validate/validate-values.js')]);
    const model = projectModel();
    return validateSources({ ...sources, schema: model.schema, defaults: model.defaults });
  }
  // The precompiled validator's defaults are the chart defaults (same schema digest), so the sources are read once.
  const { merged, issues } = loadSources({ ...sources, defaults: precompiled.defaults });
  if (issues.length || precompiled.isValid(merged.values)) return { values: merged.values, issues };
  const [{ projectModel }, { explainValues }] = await Promise.all([import('../project-model.js'), import('../validate/validate-values.js')]);
  return { values: merged.values, issues: explainValues(projectModel().schema, merged, defaultsFile) };
}

/** The values files and --set family of a command line, as `renderChart` and `loadSources` name them. */
export function valuesSourcesOf(args: ParsedArgs) {
  return {
    valuesFiles: args.lists.values,
    sets: args.lists.set,
    setStrings: args.lists['set-string'],
    setJsons: args.lists['set-json'],
    setFiles: args.lists['set-file'],
    setLiterals: args.lists['set-literal'],
  };
}

export const CHART_PATH = join(PROJECT_ROOT, CHART_DIR);

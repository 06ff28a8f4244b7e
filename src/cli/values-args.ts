import { join } from 'node:path';
import { PROJECT_ROOT } from '../io/project.js';
import { projectModel } from '../project-model.js';
import { validateSources } from '../validate/validate-values.js';
import type { ArgSpec, ParsedArgs } from './args.js';
import { CHART_DIR } from '../generate/chart-files.js';

/** The values options validate and render share, spelled as Helm spells them. */
export const VALUES_ARG_SPEC: ArgSpec = {
  lists: ['values', 'set', 'set-string', 'set-json', 'set-file', 'set-literal'],
  strings: ['helm', 'kube-version', 'namespace', 'release'],
  aliases: { f: 'values', n: 'namespace' },
};

/** Validates the values files and --set overrides of a command line against the schema, as Helm would merge them. */
export function checkValues(args: ParsedArgs) {
  const model = projectModel();
  return validateSources({
    schema: model.schema,
    defaults: model.defaults,
    files: args.lists.values,
    sets: args.lists.set,
    setStrings: args.lists['set-string'],
    setJsons: args.lists['set-json'],
    setFiles: args.lists['set-file'],
    setLiterals: args.lists['set-literal'],
    defaultsFile: join(CHART_DIR, 'values.yaml'),
  });
}

export const CHART_PATH = join(PROJECT_ROOT, CHART_DIR);

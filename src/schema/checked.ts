import { readFileSync } from 'node:fs';
import { IssuesError } from '../issue.js';
import type { JsonSchema } from './json-schema.js';
import { lintSchema } from './lint.js';
import { loadSchema } from './load.js';
import { locateSchemaIssues } from './locate.js';
import { expandPodOptions } from './normalize.js';

/**
 * load → expand → lint, from a schema file: the schema layer's own gate, so the model builder (src/model,
 * src/project-model.ts) only builds and never lints (test/layering.test.ts holds it to that). A broken schema
 * fails here, each problem named with the file's line and column (JSON syntax errors by loadSchema, broken
 * house rules by the lint, located in the file's text). Returns the source schema, as read.
 */
export function loadCheckedSchema(file: string, options: { lint?: boolean } = {}): JsonSchema {
  try {
    const source = loadSchema(file);
    // lint: false only for a schema whose lint passed before (src/io/lint-verdict.ts).
    if (options.lint !== false) lintSchema(expandPodOptions(source), file);
    return source;
  } catch (error) {
    if (error instanceof IssuesError) throw locateSchemaIssues(error, file, readFileSync(file, 'utf8'));
    throw error;
  }
}

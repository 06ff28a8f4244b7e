import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChartModel } from '../model/chart-model.js';
import { buildProjectModel } from '../project-model.js';
import { readProjectFiles } from '../io/project.js';
import { chartTemplatesDir, generateFiles } from './chart-files.js';
import { withCliReference, withComponentTable, withIssueCodeTable } from './project-readme.js';
import { VALUES_VALIDATOR_FILE, VALUES_VALIDATOR_TYPES_FILE } from '../io/layout.js';
import { emitValuesValidator } from './values-validator.js';

export interface GenerateOptions {
  projectRoot: string;
  schemaFile: string;
  chartVersion: string;
  /** The README's CLI reference section (cli/specs.ts's cliReferenceMarkdown): passed in, the generator sits below the CLI. */
  cliReference: string;
}

/** load → lint → model → emit: every generated file, nothing written. */
export async function generate(options: GenerateOptions): Promise<{ model: ChartModel; files: Map<string, string> }> {
  const model = buildProjectModel({ chartVersion: options.chartVersion, schemaFile: options.schemaFile });
  const files = await generateFiles(model, chartTemplatesDir(options.projectRoot), readProjectFiles(options.projectRoot));
  // Carries the digest of the schema file's bytes: validate trusts it only for the schema it was made from.
  const validator = emitValuesValidator(model, readFileSync(options.schemaFile));
  files.set(VALUES_VALIDATOR_FILE, validator.code).set(VALUES_VALIDATOR_TYPES_FILE, validator.types);
  // Only a source checkout has the README whose CLI reference is generated (not the npm package, not a copy).
  const readme = join(options.projectRoot, PROJECT_README);
  if (existsSync(readme)) files.set(PROJECT_README, withIssueCodeTable(withComponentTable(withCliReference(readFileSync(readme, 'utf8'), options.cliReference), model)));
  return { model, files };
}

/** The project README: only its CLI reference section is generated. */
export const PROJECT_README = 'README.md';

export { OWNED_DIRS } from '../io/layout.js';

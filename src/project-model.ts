import { buildChartModel, type ChartModel, type ModelOptions } from './model/chart-model.js';
import { lintPassedBefore, recordLintPassed } from './io/lint-verdict.js';
import { PROJECT_ROOT, SCHEMA_FILE, packageVersion } from './io/project.js';
import { loadCheckedSchema } from './schema/checked.js';

/**
 * checked schema → model, from a schema file: the one builder behind `generate` and every command that reads
 * values. The schema layer loads and lints it (schema/checked.ts: a broken schema fails there, named with the
 * file's line and column); this only builds.
 */
export function buildProjectModel(options: ModelOptions): ChartModel {
  return buildChartModel(loadCheckedSchema(options.schemaFile), options);
}

let model: ChartModel | undefined;

/**
 * The chart model of this project's own schema (schema/retool.schema.json), built once per process. Its lint
 * runs once per change of the schema or the code, not once per command (src/io/lint-verdict.ts).
 */
export function projectModel(): ChartModel {
  if (model) return model;
  const linted = lintPassedBefore(PROJECT_ROOT, SCHEMA_FILE);
  // buildProjectModel's own path when the lint has to run, so a broken schema fails the same way.
  model = linted
    ? buildChartModel(loadCheckedSchema(SCHEMA_FILE, { lint: false }), { chartVersion: packageVersion(), schemaFile: SCHEMA_FILE })
    : buildProjectModel({ chartVersion: packageVersion(), schemaFile: SCHEMA_FILE });
  if (!linted) recordLintPassed(PROJECT_ROOT, SCHEMA_FILE);
  return model;
}

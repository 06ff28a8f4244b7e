import { buildChartModel, type ChartModel, type ModelOptions } from './model/chart-model.js';
import { SCHEMA_FILE, packageVersion } from './io/project.js';
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

/** The chart model of this project's own schema (schema/retool.schema.json), built once per process. */
export function projectModel(): ChartModel {
  model ??= buildProjectModel({ chartVersion: packageVersion(), schemaFile: SCHEMA_FILE });
  return model;
}

import { buildChartModel, type ChartModel } from './model/chart-model.js';
import { SCHEMA_FILE, packageVersion } from './io/project.js';
import { loadSchema } from './schema/load.js';

let model: ChartModel | undefined;

/** The chart model of this project's own schema (schema/retool.schema.json), built once per process. */
export function projectModel(): ChartModel {
  model ??= buildChartModel(loadSchema(SCHEMA_FILE), { chartVersion: packageVersion(), schemaFile: SCHEMA_FILE });
  return model;
}

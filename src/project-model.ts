import { readFileSync } from 'node:fs';
import { IssuesError } from './issue.js';
import { buildChartModel, type ChartModel, type ModelOptions } from './model/chart-model.js';
import { SCHEMA_FILE, packageVersion } from './io/project.js';
import { loadSchema } from './schema/load.js';
import { locateSchemaIssues } from './schema/locate.js';

/**
 * load → expand → lint → model, from a schema file: the one builder behind `generate` and every command that
 * reads values. A broken schema fails here, each problem named with the file's line and column (JSON syntax
 * errors by loadSchema, broken house rules by the lint, located in the file's text).
 */
export function buildProjectModel(options: ModelOptions): ChartModel {
  try {
    return buildChartModel(loadSchema(options.schemaFile), options);
  } catch (error) {
    if (error instanceof IssuesError) throw locateSchemaIssues(error, options.schemaFile, readFileSync(options.schemaFile, 'utf8'));
    throw error;
  }
}

let model: ChartModel | undefined;

/** The chart model of this project's own schema (schema/retool.schema.json), built once per process. */
export function projectModel(): ChartModel {
  model ??= buildProjectModel({ chartVersion: packageVersion(), schemaFile: SCHEMA_FILE });
  return model;
}

// The toolkit's TypeScript API: the values types generated from the schema, and validation of values
// built in code, with the same merge (chart defaults first) and the same messages as the CLI.
import { buildChartModel, type ChartModel } from './model/chart-model.js';
import { mergeValues } from './model/defaults.js';
import { SCHEMA_FILE, packageVersion } from './io/project.js';
import { loadSchema } from './schema/load.js';
import { validateValues } from './validate/validate-values.js';
import type { Issue } from './issue.js';
import type { RetoolValues } from './generated/values.js';

export type * from './generated/values.js';
export type { Issue } from './issue.js';
export { formatIssue } from './issue.js';

let model: ChartModel | undefined;

/** The chart model built from schema/retool.schema.json (once per process). */
export function chartModel(): ChartModel {
  model ??= buildChartModel(loadSchema(SCHEMA_FILE), { chartVersion: packageVersion(), schemaFile: SCHEMA_FILE });
  return model;
}

/** Problems with values written in code, after laying them over the chart defaults as Helm does. */
export function validateRetoolValues(values: RetoolValues): Issue[] {
  const { schema, defaults } = chartModel();
  return validateValues(schema, mergeValues(defaults, values));
}

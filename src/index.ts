// The toolkit's TypeScript API: the values types generated from the schema, and validation of values
// built in code, with the same merge (chart defaults first) and the same messages as the CLI.
import { mergeValues } from './model/defaults.js';
import { projectModel } from './project-model.js';
import { validateValues } from './validate/validate-values.js';
import type { Issue } from './issue.js';
import type { RetoolValues } from './generated/values.js';

export type * from './generated/values.js';
export type { Issue } from './issue.js';
export { formatIssue } from './issue.js';

export { projectModel as chartModel } from './project-model.js';

/** Problems with values written in code, after laying them over the chart defaults as Helm does. */
export function validateRetoolValues(values: RetoolValues): Issue[] {
  const { schema, defaults } = projectModel();
  return validateValues(schema, mergeValues(defaults, values));
}

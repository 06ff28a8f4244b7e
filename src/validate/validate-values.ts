import type { Issue } from '../issue.js';
import { isObject, type JsonSchema } from '../schema/json-schema.js';
import { podCheckSites } from '../model/pod-checks.js';
import { podRuleIssues } from './pod-rules.js';
import { describeErrors } from './ajv-issues.js';
import { placed, type ValuesIssue } from './values-issue.js';
import { compileSchema, compileVerdict } from './compiled-schema.js';
import { loadSources, type SourceArguments } from './values-sources.js';

type MergedValues = ReturnType<typeof loadSources>['merged'];

/** Validates merged values against the (pod-options-expanded) values schema. Issues carry no file yet. */
export function validateValues(schema: JsonSchema, values: unknown): Issue[] {
  return checkValues(schema, values).map(placed);
}

/** validateValues, keeping each issue's path as segments (for locating it in the sources). */
export function checkValues(schema: JsonSchema, values: unknown): ValuesIssue[] {
  const entry = compileSchema(schema);
  // Helm renders, and so runs the chart's pod rules, only for values the schema accepts.
  if (entry.validate(values)) return hasTopology(schema) && isObject(values) ? podRuleIssues(podCheckSites(schema), values) : [];
  return describeErrors(entry, [...(entry.validate.errors ?? [])], values);
}

/** Whether checkValues finds nothing, without working out the reasons (the same schema and pod rules). */
export function acceptsValues(schema: JsonSchema, values: unknown): boolean {
  if (!compileVerdict(schema)(values)) return false;
  return !(hasTopology(schema) && isObject(values)) || podRuleIssues(podCheckSites(schema), values).length === 0;
}

/** The project's schema (with x-retool-component annotations), not the published one. */
function hasTopology(schema: JsonSchema): boolean {
  return Object.values(schema.properties?.components?.properties ?? {}).some((node) => isObject(node['x-retool-component']));
}

export interface ValidateSourcesOptions extends SourceArguments {
  /** The values schema with pod options expanded (the source schema is expanded here if it is not). */
  schema: JsonSchema;
}

/**
 * Loads the -f files, parses --set/--set-string, merges like Helm and validates. Problems loading a source
 * (missing file, YAML syntax, bad --set) are returned as issues, and then the merged values are not validated
 * (the errors would only be noise from the missing source). Every issue names a file, line and column.
 */
export function validateSources(options: ValidateSourcesOptions): { values: Record<string, unknown>; issues: Issue[] } {
  const { merged, issues: loadIssues } = loadSources(options);
  if (loadIssues.length) return { values: merged.values, issues: loadIssues };
  return { values: merged.values, issues: explainValues(options.schema, merged, options.defaultsFile ?? 'values.yaml') };
}

/** The schema's problems with merged values, each at the file, line and column it came from. */
export function explainValues(schema: JsonSchema, merged: MergedValues, defaultsFile: string): Issue[] {
  return checkValues(schema, merged.values).map((found): Issue => {
    const { segments, locateSegments, triggers } = found;
    const issue = placed(found);
    let where = merged.origin((locateSegments ?? segments).map(String), { preferUserSources: true });
    // A default broke a cross-field rule: point at the value the user set that switched the rule on.
    if (where?.file === defaultsFile && triggers) {
      for (const trigger of triggers) {
        const candidate = merged.origin(trigger, { preferUserSources: true });
        if (candidate && candidate.file !== defaultsFile) {
          where = candidate;
          break;
        }
      }
    }
    return where ? { ...issue, file: where.file, line: where.line, column: where.column } : issue;
  });
}

import { isObject, type JsonSchema } from './json-schema.js';

/**
 * The reason a cross-field rule (an `allOf` entry with `if`) gives when it is broken: its `description`,
 * e.g. "profile: production requires an external storage database.". The one source of that text: the CLI
 * appends it to each error of the rule, the editor schema carries it as the rule's `errorMessage`.
 */
export function ruleReason(rule: JsonSchema): string | undefined {
  return isObject(rule.if) && typeof rule.description === 'string' && rule.description ? rule.description : undefined;
}

/**
 * The values a rule's `if` tests with const/enum, in schema order, e.g. [["profile"]] or [["temporal", "mode"]]:
 * where a broken rule is shown when the value it faults is a chart default the user never wrote.
 */
export function ruleTriggers(condition: JsonSchema, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [key, child] of Object.entries(condition.properties ?? {})) {
    if (!isObject(child)) continue;
    if ('const' in child || Array.isArray(child.enum)) out.push([...prefix, key]);
    out.push(...ruleTriggers(child, [...prefix, key]));
  }
  return out;
}

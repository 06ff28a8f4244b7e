import { isObject, type JsonSchema } from './json-schema.js';

/** Calls fn on every schema node (depth-first, parents first). */
export function visit(node: JsonSchema, fn: (node: JsonSchema, path: string) => void, path = '#'): void {
  fn(node, path);
  const walkMap = (map: unknown, prefix: string) => {
    if (!isObject(map)) return;
    for (const [key, child] of Object.entries(map)) if (isObject(child)) visit(child as JsonSchema, fn, `${prefix}/${key}`);
  };
  walkMap(node.properties, `${path}/properties`);
  walkMap(node.definitions, `${path}/definitions`);
  for (const key of ['items', 'additionalProperties', 'propertyNames', 'if', 'then', 'else'] as const) {
    const child = node[key];
    if (isObject(child)) visit(child as JsonSchema, fn, `${path}/${key}`);
  }
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    node[key]?.forEach((child, i) => visit(child, fn, `${path}/${key}/${i}`));
  }
}

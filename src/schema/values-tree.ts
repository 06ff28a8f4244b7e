import { deref, podOptionRef, type JsonSchema } from './json-schema.js';

/**
 * The values API as one tree, built once from the (expanded) values schema: one node per values key reachable
 * from the root along `properties`, each with its schema resolved. The emitters and checks that used to walk
 * the schema themselves, each with its own `deref` (defaults, values.yaml, the chart README, the schema lint,
 * the editor schema's shared pod options), read this tree instead. Pure; cached per schema object.
 */
export interface ValueNode {
  /** Values path ([] for the root). */
  path: readonly string[];
  /** JSON pointer of the place in the schema that declares this key (`#`, `#/properties/a/properties/b`). */
  pointer: string;
  /** The node as written at its place (a `$ref`, possibly with annotations beside it). */
  source: JsonSchema;
  /** `source` with its `$ref`s resolved; annotations beside a `$ref` win over the target's. */
  schema: JsonSchema;
  /** The chart default: the schema's `default`, else (an object) the defaults of its children; undefined: none. */
  default: unknown;
  /** Listed in the parent's `required`. */
  required: boolean;
  /** The key's own title: a `$ref` target's title names a type, not this key. */
  title?: string;
  description?: string;
  /** Workload properties that are the shared pod options (`$ref` to `#/definitions/PodOptions/properties/<key>`). */
  podOption: boolean;
  /** An override object merged over a chart baseline (`x-retool-sparse`): its keys need no defaults. */
  sparse: boolean;
  children: ValueNode[];
}

const trees = new WeakMap<JsonSchema, ValueNode>();

/** The values tree of `root` (built on first use). */
export function valuesTree(root: JsonSchema): ValueNode {
  let tree = trees.get(root);
  if (!tree) {
    tree = valueNode(root, root, [], '#', false);
    trees.set(root, tree);
  }
  return tree;
}

function valueNode(root: JsonSchema, source: JsonSchema, path: string[], pointer: string, required: boolean): ValueNode {
  if (path.length > 64) throw new Error(`values nest deeper than 64 keys at ${path.slice(0, 8).join('.')}… (recursive $ref?)`);
  const schema = deref(root, source);
  const requiredKeys = new Set(schema.required ?? []);
  const children = Object.entries(schema.properties ?? {}).map(([key, child]) =>
    valueNode(root, child, [...path, key], `${pointer}/properties/${escapePointer(key)}`, requiredKeys.has(key)));
  const own = schema.default !== undefined ? structuredClone(schema.default) : undefined;
  let dflt = own;
  if (own === undefined && schema.properties) {
    const composed: Record<string, unknown> = {};
    for (const child of children) if (child.default !== undefined) composed[child.path[child.path.length - 1]] = structuredClone(child.default);
    dflt = composed;
  }
  const key = path[path.length - 1] ?? '';
  return {
    path,
    pointer,
    source,
    schema,
    default: dflt,
    required,
    title: source.$ref ? source.title : schema.title,
    description: schema.description,
    podOption: source.$ref === podOptionRef(key),
    sparse: schema['x-retool-sparse'] === true,
    children,
  };
}

/** Every node, parents first (the root included). */
export function valueNodes(tree: ValueNode): ValueNode[] {
  const out: ValueNode[] = [];
  const walk = (node: ValueNode) => {
    out.push(node);
    node.children.forEach(walk);
  };
  walk(tree);
  return out;
}

/** The child of `node` at `key`, if the schema declares it. */
export function childOf(node: ValueNode | undefined, key: string): ValueNode | undefined {
  return node?.children.find((child) => keyOf(child) === key);
}

/** The node at a values path, if the schema declares it. */
export function valueAtPath(tree: ValueNode, path: readonly string[]): ValueNode | undefined {
  let node: ValueNode | undefined = tree;
  for (const key of path) node = childOf(node, key);
  return node;
}

/** The last path segment of a node ('' for the root). */
export function keyOf(node: ValueNode): string {
  return node.path[node.path.length - 1] ?? '';
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}


import yaml from 'js-yaml';
import { isObject, type JsonSchema } from '../schema/json-schema.js';
import { childOf, keyOf, valuesTree, type ValueNode } from '../schema/values-tree.js';
import { joinPath } from './import-context.js';

export interface EmitOptions {
  /** Comment lines written before the values (without "# "). */
  header: string[];
  /** Our dotted path -> comment for that key. */
  comments: ReadonlyMap<string, string>;
  /** Orders keys like the schema's properties (readers find them where the chart's README lists them). */
  schema: JsonSchema;
}

const WIDTH = 110;

/**
 * Writes values as YAML with a comment above every key the import set, saying where it came from. Built from
 * the structure (never by splicing YAML text): scalars and small leaf objects go through js-yaml.
 */
export function emitValuesYaml(values: Record<string, unknown>, options: EmitOptions): string {
  // Indented header lines are commands to copy: never wrapped.
  const lines = options.header.flatMap((line) => (/^\s/.test(line) ? [line] : wrap(line, WIDTH - 2)).map((l) => (l ? `# ${l}` : '#')));
  if (lines.length) lines.push('');
  emitMap(values, [], valuesTree(options.schema), 0, options, lines);
  return `${lines.join('\n')}\n`;
}

function emitMap(map: Record<string, unknown>, path: string[], node: ValueNode | undefined, depth: number, options: EmitOptions, out: string[]) {
  const indent = '  '.repeat(depth);
  for (const key of orderedKeys(map, node)) {
    const value = map[key];
    const here = [...path, key];
    const comment = options.comments.get(joinPath(here));
    if (comment) for (const line of wrap(comment, WIDTH - indent.length - 2)) out.push(`${indent}# ${line}`);
    const child = childOf(node, key);
    if (isObject(value) && Object.keys(value).length && (hasCommentsBelow(here, options.comments) || !fitsFlow(value, indent, key))) {
      out.push(`${indent}${yamlKey(key)}:`);
      emitMap(value, here, child, depth + 1, options, out);
    } else if (Array.isArray(value) && value.length && !fitsFlow(value, indent, key)) {
      out.push(`${indent}${yamlKey(key)}:`);
      const block = yaml.dump(value, { lineWidth: -1, noRefs: true, sortKeys: false }).trimEnd();
      for (const line of block.split('\n')) out.push(`${indent}  ${line}`);
    } else {
      out.push(`${indent}${yamlKey(key)}: ${flow(value)}`);
    }
  }
}

function fitsFlow(value: unknown, indent: string, key: string): boolean {
  return indent.length + key.length + 2 + flow(value).length <= WIDTH;
}

function flow(value: unknown): string {
  return yaml.dump(value, { flowLevel: 0, lineWidth: -1, noRefs: true }).trim().replace(/^\{(.+)\}$/s, '{ $1 }');
}

function yamlKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(key) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(key) ? key : JSON.stringify(key);
}

function hasCommentsBelow(path: string[], comments: ReadonlyMap<string, string>): boolean {
  const prefix = `${joinPath(path)}.`;
  for (const key of comments.keys()) if (key.startsWith(prefix)) return true;
  return false;
}

function orderedKeys(map: Record<string, unknown>, node: ValueNode | undefined): string[] {
  const props = node?.children.map(keyOf) ?? [];
  const rank = (key: string) => {
    const i = props.indexOf(key);
    return i === -1 ? props.length : i;
  };
  return Object.keys(map).map((key, i) => ({ key, i })).sort((a, b) => rank(a.key) - rank(b.key) || a.i - b.i).map((e) => e.key);
}

function wrap(text: string, width: number): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines;
}

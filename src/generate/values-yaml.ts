import yaml from 'js-yaml';
import { isObject, type JsonSchema } from '../schema/json-schema.js';
import { keyOf, valuesTree, type ValueNode } from '../schema/values-tree.js';
import type { ChartModel } from '../model/chart-model.js';
import { GENERATED_BANNER } from './banner.js';
import { EDITOR_SCHEMA_FILE } from './editor-schema.js';

const WIDTH = 100;

/** values.yaml: every default from the schema, each key preceded by its description. */
export function emitValuesYaml(model: ChartModel): string {
  const lines = [
    `# yaml-language-server: $schema=${EDITOR_SCHEMA_FILE}`,
    `# ${GENERATED_BANNER}`,
    '# Every key is checked by values.schema.json; unknown keys and wrong types make helm fail.',
    `# Editors check your own values file against ${EDITOR_SCHEMA_FILE} (the same rules, laid over these defaults).`,
  ];
  emitProperties(valuesTree(model.schema), model.defaults, 0, lines);
  return `${lines.join('\n')}\n`;
}

function emitProperties(node: ValueNode, value: Record<string, unknown>, indent: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  for (const child of node.children) {
    const key = keyOf(child);
    if (indent === 0) lines.push('');
    // The key's own title (a referenced definition's title names a type).
    for (const comment of commentLines({ ...child.schema, title: child.title })) lines.push(`${pad}# ${comment}`.trimEnd());
    if (!(key in value)) {
      lines.push(`${pad}# ${key}:   (required, no default)`);
      continue;
    }
    const v = value[key];
    if (isObject(v) && child.schema.properties && Object.keys(v).length > 0) {
      lines.push(`${pad}${key}:`);
      emitProperties(child, v, indent + 2, lines);
    } else {
      lines.push(...renderPlain(key, v, indent));
    }
  }
}

function renderPlain(key: string, value: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const empty = (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0);
  if (empty || !(Array.isArray(value) || isObject(value))) {
    return [`${pad}${yaml.dump({ [key]: value }, { flowLevel: 1, quotingType: '"' }).trimEnd()}`];
  }
  const body = yaml.dump(value, { quotingType: '"', sortKeys: true, lineWidth: -1 }).trimEnd().split('\n');
  return [`${pad}${key}:`, ...body.map((line) => `${pad}  ${line}`)];
}

export function commentLines(node: JsonSchema): string[] {
  const text = [node.title ? `${node.title}: ` : '', node.description ?? ''].join('');
  const enumHint = node.enum ? ` One of: ${node.enum.join(', ')}.` : '';
  return wrap(`${text}${enumHint}`, WIDTH);
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + word.length + 1 > width) { out.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

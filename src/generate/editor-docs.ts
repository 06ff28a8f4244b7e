import yaml from 'js-yaml';
import { deref, isObject, type JsonSchema } from '../schema/json-schema.js';

/**
 * Editor documentation of one values property, all derived from the schema's own text: a title (its own, or
 * the key in words: never a type name), `markdownDescription` with the default and an example placed at its
 * path, enum descriptions (from `x-retool-enum-descriptions`, else read from the description's clauses, e.g.
 * "embedded runs …; external connects …"), `examples`, `defaultSnippets` (from `x-retool-snippets`), a worded
 * `patternErrorMessage`, and the JetBrains equivalents (`x-intellij-html-description`, `x-intellij-enum-metadata`).
 */
export function documentProperty(
  root: JsonSchema,
  node: JsonSchema,
  source: JsonSchema,
  key: string,
  path: readonly string[],
  accepts: (schema: JsonSchema, value: unknown) => boolean,
): JsonSchema {
  const resolved = deref(root, source);
  const title = source.title ?? humanize(key);
  const description = source.description ?? resolved.description ?? '';
  const out: JsonSchema = { ...node, title };
  if (description) out.description = description;
  const enumValues = Array.isArray(resolved.enum) ? resolved.enum : undefined;
  const enumText = enumValues ? enumDescriptions(resolved, enumValues) : undefined;
  if (enumValues && enumText) {
    out.enumDescriptions = enumText;
    out.markdownEnumDescriptions = enumText;
    out['x-intellij-enum-metadata'] = Object.fromEntries(enumValues.map((v, i) => [String(v), { description: enumText[i] }]));
  }
  const sourceExamples = source.examples ?? resolved.examples ?? textExamples(source, resolved, accepts);
  if (Array.isArray(sourceExamples) && sourceExamples.length) out.examples = sourceExamples;
  const snippets = source['x-retool-snippets'] ?? resolved['x-retool-snippets'];
  if (Array.isArray(snippets) && snippets.length) out.defaultSnippets = snippets;

  const dflt = source.default ?? resolved.default;
  const example = exampleValue(resolved, sourceExamples, dflt, snippets);
  const parts = [description];
  if (dflt !== undefined && !isEmpty(dflt)) parts.push(`Default: \`${JSON.stringify(dflt)}\``);
  if (example !== undefined) parts.push(`\`\`\`yaml\n${placed(path, example)}\`\`\``);
  out.markdownDescription = parts.filter(Boolean).join('\n\n');
  out['x-intellij-html-description'] = [`<p>${html(description)}</p>`, dflt !== undefined && !isEmpty(dflt) ? `<p>Default: <code>${html(JSON.stringify(dflt))}</code></p>` : '']
    .filter(Boolean).join('');
  return out;
}

/**
 * Examples the description itself gives ("… e.g. registry.example.com"), kept only when the property's schema
 * accepts them, so prose that is not a value ("e.g. cloud IAM roles") never becomes one.
 */
function textExamples(source: JsonSchema, resolved: JsonSchema, accepts: (schema: JsonSchema, value: unknown) => boolean): unknown[] | undefined {
  const text = [source.description, resolved.description].filter(Boolean).join(' ');
  const found: unknown[] = [];
  for (const match of text.matchAll(/e\.g\.\s+([^\s,;()]+?)[.]?(?=[\s,;()]|$)/g)) {
    for (const candidate of [match[1], Number(match[1])]) {
      if (typeof candidate === 'number' && Number.isNaN(candidate)) continue;
      if (!found.includes(candidate) && accepts(source, candidate)) {
        found.push(candidate);
        break;
      }
    }
  }
  return found.length ? found : undefined;
}

/** patternErrorMessage for a node with a pattern: what is expected, in words, instead of the raw regex. */
export function patternMessage(node: JsonSchema, fallbackDescription?: string): string | undefined {
  if (typeof node.pattern !== 'string' || node.patternErrorMessage) return undefined;
  const what = (node.description ?? fallbackDescription ?? '').replace(/\.$/, '');
  const example = Array.isArray(node.examples) ? node.examples[0] : undefined;
  if (!what) return undefined;
  return `Expected ${lowerFirst(what)}${example !== undefined ? `, e.g. ${String(example)}` : ''}.`;
}

/** "targetCPUUtilizationPercentage" → "Target CPU utilization percentage". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z]{2,})/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((word, i) => {
      if (/^[A-Z0-9]{2,}s?$/.test(word)) return word;
      if (ACRONYMS.has(word.toLowerCase())) return word.toUpperCase();
      return i === 0 ? word[0].toUpperCase() + word.slice(1) : word.toLowerCase();
    });
  return words.join(' ');
}

/** Words that read as acronyms in a title ("api" → "API"). */
const ACRONYMS = new Set(['api', 'tls', 'ssl', 'jwt', 'url', 'cpu', 'dns', 'ip', 'cidr', 'id', 'ui']);

/**
 * One description per enum value: the annotation `x-retool-enum-descriptions` ({value: text}) when present,
 * else the clauses of the description that begin with each value (split at `;`, `,` and ` or ` outside
 * parentheses). Undefined unless every value is described.
 */
export function enumDescriptions(node: JsonSchema, values: unknown[]): string[] | undefined {
  const annotated = node['x-retool-enum-descriptions'];
  if (isObject(annotated)) {
    const texts = values.map((v) => annotated[String(v)]);
    return texts.every((t) => typeof t === 'string') ? (texts as string[]) : undefined;
  }
  const clauses = splitClauses(node.description ?? '').map((c) => c.replace(/^[A-Z][\w ]*:\s+/, '').replace(/^(or|and)\s+/, ''));
  const texts = values.map((value) => {
    const clause = clauses.find((c) => c === String(value) || c.startsWith(`${String(value)} `));
    if (!clause) return undefined;
    const rest = clause.slice(String(value).length).trim().replace(/^\((.*)\)\.?$/, '$1').replace(/\.$/, '');
    return rest;
  });
  return texts.every((t) => t !== undefined) && texts.some(Boolean) ? (texts as string[]) : undefined;
}

function splitClauses(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && (ch === ';' || ch === ',')) {
      out.push(current.trim());
      current = '';
      continue;
    }
    if (depth === 0 && text.startsWith(' or ', i)) {
      out.push(current.trim());
      current = '';
      i += 3;
      continue;
    }
    current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out.filter(Boolean);
}

function exampleValue(node: JsonSchema, examples: unknown, dflt: unknown, snippets: unknown): unknown {
  if (Array.isArray(examples) && examples.length) return examples[0];
  if (Array.isArray(snippets) && isObject(snippets[0]) && snippets[0].body !== undefined) return stripPlaceholders(snippets[0].body);
  if (Array.isArray(node.enum)) return node.enum.find((v) => v !== dflt) ?? node.enum[0];
  if (dflt !== undefined && !isEmpty(dflt) && dflt !== null) return dflt;
  return undefined;
}

/** `${1:db.example.com}` → db.example.com, so a snippet body reads as a plain example. */
function stripPlaceholders(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
  if (Array.isArray(value)) return value.map(stripPlaceholders);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripPlaceholders(v)]));
  return value;
}

/** The example as YAML at its place in a values file. */
function placed(path: readonly string[], value: unknown): string {
  let tree: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) tree = { [path[i]]: tree };
  return yaml.dump(tree, { lineWidth: -1, quotingType: '"', noRefs: true });
}

function isEmpty(value: unknown): boolean {
  return value === '' || (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0);
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}


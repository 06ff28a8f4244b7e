import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { IssuesError, type Issue } from '../issue.js';
import { isObject } from '../schema/json-schema.js';
import { recordYamlNodes, type Position } from './yaml-positions.js';

/** A parsed `-f` values file that can say where each key was written. */
export interface ValuesFile {
  file: string;
  values: Record<string, unknown>;
  /**
   * Position of the key (or list item) at `path`; array indices are given as strings ("0"). When the exact
   * node is not in this file, the position of its deepest existing ancestor; `[]` is line 1, column 1.
   */
  locate(path: readonly string[]): Position | undefined;
}

const mergeKeyType = new yaml.Type('tag:yaml.org,2002:merge', {
  kind: 'scalar',
  resolve: (data: unknown) => data === '<<' || data === null,
});

/**
 * YAML 1.2 core types plus `<<` merge keys. Unlike js-yaml's default schema, timestamps stay strings (as Helm's
 * JSON conversion leaves them) and there is no !!binary.
 */
const VALUES_YAML_SCHEMA = yaml.CORE_SCHEMA.extend({ implicit: [mergeKeyType] });

/** Reads and parses a values file; any problem (missing file, YAML syntax, non-mapping document) throws IssuesError. */
export function loadValuesFile(file: string): ValuesFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a values file' : `cannot read: ${(error as Error).message}`;
    throw new IssuesError([{ path: '', message, file }], `${file}: ${message}`);
  }
  return parseValuesYaml(text, file);
}

/** Parses values YAML text; `file` names it in issues. An empty document is `{}`. */
export function parseValuesYaml(source: string, file: string): ValuesFile {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const nodes = recordYamlNodes();
  let loaded: unknown;
  try {
    loaded = yaml.load(text, { filename: file, schema: VALUES_YAML_SCHEMA, listener: nodes.listener });
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    const mark = error.mark as yaml.Mark | undefined;
    const issue: Issue = {
      path: '',
      message: `invalid YAML: ${error.reason}`,
      file,
      line: mark ? mark.line + 1 : undefined,
      column: mark ? mark.column + 1 : undefined,
    };
    throw new IssuesError([issue], `${file}: invalid YAML`);
  }
  if (loaded === undefined || loaded === null) return { file, values: {}, locate: () => ({ line: 1, column: 1 }) };
  if (!isObject(loaded)) {
    const got = Array.isArray(loaded) ? 'a list' : `a ${typeof loaded}`;
    const message = `the document must be a mapping of values (key: value), got ${got}`;
    throw new IssuesError([{ path: '', message, file, line: 1, column: 1 }], `${file}: ${message}`);
  }
  return { file, values: loaded, locate: nodes.locator(text) };
}

import yaml from 'js-yaml';
import { IssuesError } from '../issue.js';
import { recordYamlNodes } from '../yaml-positions.js';

/**
 * Adds line and column to schema lint issues, whose paths are JSON pointers (#/properties/...). JSON is YAML,
 * so the position index values files use serves (src/yaml-positions.ts); a pointer into something the
 * generator added (shared pod options) lands on its nearest ancestor in the source.
 */
export function locateSchemaIssues(error: IssuesError, file: string, text: string): IssuesError {
  const nodes = recordYamlNodes();
  try {
    yaml.load(text, { filename: file, listener: nodes.listener, json: true });
  } catch {
    return error; // not JSON/YAML at all: loadSchema reported it already
  }
  const locate = nodes.locator(text);
  const issues = error.issues.map((issue) => {
    if (!issue.path.startsWith('#')) return issue;
    const segments = issue.path.slice(1).split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const at = locate(segments);
    return at ? { ...issue, line: at.line, column: at.column } : issue;
  });
  return new IssuesError(issues, error.message.split('\n')[0]);
}

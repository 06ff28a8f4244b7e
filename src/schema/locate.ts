import { IssuesError } from '../issue.js';
import { parseValuesYaml } from '../validate/values-file.js';

/**
 * Adds line and column to schema lint issues, whose paths are JSON pointers (#/properties/...). JSON is YAML,
 * so the values-file position index serves; a pointer into something the generator added (copied pod
 * options) lands on its nearest ancestor in the source.
 */
export function locateSchemaIssues(error: IssuesError, file: string, text: string): IssuesError {
  const { locate } = parseValuesYaml(text, file);
  const issues = error.issues.map((issue) => {
    if (!issue.path.startsWith('#')) return issue;
    const segments = issue.path.slice(1).split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const at = locate(segments);
    return at ? { ...issue, line: at.line, column: at.column } : issue;
  });
  return new IssuesError(issues, error.message.split('\n')[0]);
}
